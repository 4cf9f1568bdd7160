/**
 * A request from inside an app's frame, as a lib1 app makes it (the stand-in apps' lib1.js):
 * consume `api` and send `msg` to all providers, collecting the results until `endMt`.
 */
import type { Frame } from 'playwright-core';

export interface AppResult {
  provider: string;
  src?: string;
  msg: Record<string, unknown>;
}

interface Args {
  api: string;
  msg: Record<string, unknown>;
  endMt: string;
  noSrc: boolean;
}

/**
 * The page side, as source text: a function of the source (not a compiled one) so that no
 * transpiler helper (tsx's `__name` for named functions) ends up in the page, where it is missing.
 */
const IN_PAGE = `({ api, msg, endMt, noSrc }) => new Promise((resolve, reject) => {
  const consumer = globalThis.__start.consumeApi(api);
  const results = [];
  const timer = setTimeout(() => reject(new Error('no ' + endMt + ' within 20 s (' + results.length + ' results)')), 20000);
  function take(r, done) {
    results.push({ provider: r.provider, src: r.src, msg: r.msg });
    if (r.msg && r.msg.mt === endMt) {
      clearTimeout(timer);
      done();
    }
  }
  if (noSrc) {
    function onmsg(_s, r) {
      if (r.src === undefined) take(r, () => { consumer.onmessage.detach(onmsg); resolve({ results }); });
    }
    consumer.onmessage.attach(onmsg);
    consumer.send(msg, '*');
    return;
  }
  const src = new consumer.Src((r) => take(r, () => { src.close(); resolve({ src: src.src, results }); }));
  src.send(msg, '*');
})`;

/**
 * In the phone app's frame, as a lib1 app does it: consume `api` and send `msg` to all providers
 * (`new consumer.Src(cb)`: every result of a fresh src; `noSrc`: `consumer.send(msg, "*")` without
 * src, results taken by their end message); collect results until `endMt`.
 */
export function appRequest(frame: Frame, api: string, msg: Record<string, unknown>, endMt: string, noSrc = false): Promise<{ src?: string; results: AppResult[] }> {
  const args: Args = { api, msg, endMt, noSrc };
  return frame.evaluate(`(${IN_PAGE})(${JSON.stringify(args)})`) as Promise<{ src?: string; results: AppResult[] }>;
}
