/**
 * The incoming-call window's size (electron/calls/incoming.ts opens it, renderer/launcher/
 * incoming-call.html fills it): one rule for the service and the page test that checks the page
 * fits (renderer/launcher/pages.test.ts). Content size in CSS pixels (DIP), without the window
 * frame. Measured in Chromium (Liberation fonts): one call 186 px (+20 while "Answering…"), each
 * further call 119 px, the "N more calls are waiting" line 37 px; with room to spare.
 */
export const INCOMING_CALL_WINDOW_WIDTH = 380;
/** Calls shown without scrolling; more scroll inside the window. */
export const INCOMING_CALL_WINDOW_MAX_CALLS = 3;

export function incomingCallWindowHeight(calls: number, waiting: number): number {
  const shown = Math.min(Math.max(1, calls), INCOMING_CALL_WINDOW_MAX_CALLS);
  return 216 + 124 * (shown - 1) + (waiting > 0 ? 40 : 0);
}
