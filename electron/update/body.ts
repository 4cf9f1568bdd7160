/** Read a fetch-like response body: a WHATWG ReadableStream or any AsyncIterable<Uint8Array>. */
export async function* iterateBody(body: unknown): AsyncGenerator<Uint8Array> {
  if (!body) return;
  const b = body as { getReader?: () => { read(): Promise<{ done: boolean; value?: Uint8Array }>; releaseLock(): void; cancel(): Promise<void> } };
  if (typeof b.getReader === 'function') {
    const reader = b.getReader();
    let done = false;
    try {
      while (true) {
        const r = await reader.read();
        if (r.done) { done = true; return; }
        if (r.value) yield r.value;
      }
    } finally {
      if (!done) await reader.cancel().catch(() => {});
    }
  }
  if (typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    yield* body as AsyncIterable<Uint8Array>;
    return;
  }
  throw new Error('response body is not a stream');
}

/** Read and drop what is left of a body (a refused response), ignoring errors: the caller reports the refusal. */
export async function discardBody(body: unknown): Promise<void> {
  try {
    for await (const _ of iterateBody(body)) break;
  } catch { /* ignore */ }
}
