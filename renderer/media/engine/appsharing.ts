/**
 * How the engine encodes a shared screen (docs/decisions.md, "Appsharing encoder", issue 15):
 * measured on a 2-core machine at 1920×1080 with a known UI/text screen
 * (test/bench/appsharing-encoders.ts, `npm run bench -- --only media.appsharing_option`), VP8 with
 * contentHint 'detail' and degradationPreference 'maintain-resolution' gave the most frames per
 * second at full resolution with text as legible as any option; without the hint Chromium
 * shrinks the screen while the bandwidth estimate ramps up (unreadable text); H.264 (OpenH264)
 * managed 1–6 fps. VP8 is also the coder innovaphone publishes (VP9 is ours).
 */

/** Screen content: the encoder keeps detail (Chromium's screencast mode for VP8/VP9). */
export const APPSHARING_CONTENT_HINT = 'detail';
/** When CPU or bandwidth is short, drop frames, never resolution (text must stay readable). */
export const APPSHARING_DEGRADATION: RTCDegradationPreference = 'maintain-resolution';

/** Marks the captured screen track as screen content (before it is added to a connection). */
export function markScreenTrack(track: MediaStreamTrack | undefined): void {
  if (track && track.kind === 'video') track.contentHint = APPSHARING_CONTENT_HINT;
}

/**
 * Sets the screen sender's degradation preference. Not awaited by the caller: on a loaded
 * machine this round trip to WebRTC's worker thread took over a second, and no description needs
 * to wait for it.
 */
export function configureScreenSender(sender: RTCRtpSender | undefined): void {
  if (!sender?.track) return;
  const params = sender.getParameters();
  if (params.degradationPreference === APPSHARING_DEGRADATION) return;
  params.degradationPreference = APPSHARING_DEGRADATION;
  void sender.setParameters(params).catch((err: unknown) => console.warn('appsharing sender parameters', err));
}
