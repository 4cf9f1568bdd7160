/**
 * Records the Chromium offers in renderer/media/fixtures/ that the channels <-> SDP round-trip
 * tests (renderer/media/channels.test.ts) read. Debian Chromium with fake devices, in a network
 * namespace with only `lo`, so the candidates are loopback ones:
 *
 *   unshare -n sh -c 'ip link set lo up && exec node_modules/.bin/tsx scripts/record-sdp-fixtures.ts'
 *
 * Writes chromium<major>-appsharing-offer.sdp (getDisplayMedia, one video m-section, as the
 * engine's appsharing channel offers it) and chromium<major>-call-offer.sdp (microphone, camera
 * and screen in one peer connection without BUNDLE: three m-sections, each with its own transport,
 * as a Signal `channels` object keeps audio, video and collab apart).
 */
import { writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { join } from 'node:path';
import { launchChromium, MEDIA_FLAGS } from '../test/e2e/harness/chromium';

const dir = join(__dirname, '../renderer/media/fixtures');

const OFFER = `async (what) => {
  const pc = new RTCPeerConnection({ bundlePolicy: what === 'call' ? 'max-compat' : 'max-bundle', rtcpMuxPolicy: 'require' });
  const add = (s) => s.getTracks().forEach((t) => pc.addTrack(t, s));
  if (what === 'call') {
    add(await navigator.mediaDevices.getUserMedia({ audio: true }));
    add(await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 } }));
  }
  add(await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false }));
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); setTimeout(r, 5000); });
  return pc.localDescription.sdp;
}`;

async function main(): Promise<void> {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>sdp</title>'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const browser = await launchChromium({ args: [...MEDIA_FLAGS, '--auto-select-desktop-capture-source=Entire screen'] });
  try {
    const major = browser.version().split('.')[0];
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    for (const what of ['appsharing', 'call']) {
      const sdp = (await page.evaluate(`(${OFFER})(${JSON.stringify(what)})`)) as string;
      const file = join(dir, `chromium${major}-${what}-offer.sdp`);
      writeFileSync(file, sdp);
      process.stdout.write(`${file}: ${sdp.length} bytes\n`);
    }
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
