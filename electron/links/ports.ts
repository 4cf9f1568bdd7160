/** Ports of the link service (tel:/sip:/im: handler). */

/** Registers the client as the OS handler of its links (common/links.ts LINK_SCHEMES). */
export interface ProtocolRegistrar {
  /** Make this program the handler of the schemes; resolves with the schemes now registered. */
  register(schemes: readonly string[]): Promise<{ registered: string[]; failed: { scheme: string; reason: string }[] }>;
}
