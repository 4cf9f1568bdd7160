/**
 * What the launcher does around calls, end to end (issue 14; run by
 * test/e2e/calls-desktop.e2e.test.ts inside `unshare -n`, so no media leaves loopback):
 *
 *  - two clients (two service graphs, each with its media engine and web client in Debian
 *    Chromium, the stand-in softphone) calling each other through pbx-sim, as in media-call;
 *  - each with the launcher's own windows (the DialogHost port) as Chromium pages of the product's
 *    launcher pages, whose calls go through the product's preload dispatcher to the services'
 *    handlers (test/e2e/harness/launcher-windows.ts); A in English, B in German;
 *  - A keeps awake through the product's Linux PowerSaveBlocker (native/linux/power-save.ts) on a
 *    private session D-Bus with a stand-in of the desktop's inhibit services.
 *
 * A calls B with video and appsharing: B's incoming-call window shows the caller's SIP name and
 * number; Accept in it connects the call (ConnectCall through the bus). A's system and display are
 * inhibited; A's sharing bar appears; Stop in it ends A's appsharing channel (the softphone hears
 * ChannelClosed "stopped"), the bar goes, the display stays inhibited for the video; hang-up
 * releases everything. Then: B's Reject in the window ends a call; with "Desktop notifications"
 * off B gets no window. Prints `CALLS_DESKTOP_RESULT {...}`.
 */
import { Api } from '../../common/bus';
import { translator } from '../../common/i18n';
import { DbusPowerSaveBlocker } from '../../native/linux/power-save';
import { memoryLogger } from '../fixtures/memory-logger';
import { startInhibitStandIn } from '../fixtures/inhibit-standin';
import { startPbxSim } from '../pbx-sim';
import { launchChromium, MEDIA_FLAGS } from './harness/chromium';
import { launcherWindows } from './harness/launcher-windows';
import { startSessionBus } from '../fixtures/session-bus';
import { runScenario, startClient, until, USERS, type Client } from './harness/two-clients';

type R = Record<string, any>;

const calls = (c: Client): R[] => ((c.phone.providers() as R).softphone?.model?.calls ?? []) as R[];
const softphone = async (c: Client, expr: string): Promise<any> => (await c.frame()).evaluate(expr);

runScenario('CALLS_DESKTOP', async ({ result, cleanups }) => {
  const logger = memoryLogger();
  const clients: Client[] = [];
  // said before cleaning up when the scenario fails: what each softphone saw, the warnings
  const debug = async (): Promise<void> => {
    for (const c of clients) {
      const sp = await softphone(c, '({ log: window.__softphone.log.slice(-40), errors: window.__softphone.errors, calls: window.__softphone.calls(), events: window.__softphone.events.slice(-20) })').catch((e: unknown) => String(e));
      process.stdout.write(`CALLS_DESKTOP_DEBUG ${c.user} ${JSON.stringify(sp)}\n`);
    }
    process.stdout.write(`CALLS_DESKTOP_DEBUG warnings ${JSON.stringify(logger.lines.filter((l) => l.level !== 'trace').slice(-30))}\n`);
  };
  try {
    const sim = await startPbxSim({ https: false, softphone: true, autoLogin: false, users: [{ ...USERS[1]!, dn: 'Bob Test', num: '202' }] });
    cleanups.push(() => sim.close());
    const bus = startSessionBus();
    cleanups.push(() => bus.stop());
    const standIn = await startInhibitStandIn(bus.address, ['screensaver', 'power']);
    cleanups.push(() => standIn.close());
    const blocker = await DbusPowerSaveBlocker.connect({ appName: 'myApps', logger, busAddress: bus.address });
    cleanups.push(() => blocker.close());
    const browser = await launchChromium({ args: [...MEDIA_FLAGS, '--autoplay-policy=no-user-gesture-required'] });
    cleanups.push(() => browser.close());
    const lwA = launcherWindows({ logger, language: 'en' });
    const lwB = launcherWindows({ logger, language: 'de' });
    cleanups.push(() => lwA.close(), () => lwB.close());
    const a = await startClient(sim, browser, USERS[0]!, logger, {
      ports: { dialogs: lwA.dialogs, powerSaveBlocker: blocker, words: translator('en') },
      // the capture tracks the engine watches for 'ended', so the test can end one as the OS would
      enginePage: async (p) => void await p.addInitScript(() => {
        const watched: MediaStreamTrack[] = ((globalThis as unknown as { __watchedTracks: MediaStreamTrack[] }).__watchedTracks = []);
        const add = MediaStreamTrack.prototype.addEventListener;
        MediaStreamTrack.prototype.addEventListener = function (this: MediaStreamTrack, type: string, ...rest: unknown[]) {
          if (type === 'ended') watched.push(this);
          return (add as (...a: unknown[]) => void).call(this, type, ...rest);
        } as typeof add;
      }),
    });
    clients.push(a);
    cleanups.push(() => a.services.close());
    const b = await startClient(sim, browser, USERS[1]!, logger, { ports: { dialogs: lwB.dialogs, words: translator('de') } });
    clients.push(b);
    cleanups.push(() => b.services.close());
    await lwA.attach(browser);
    await lwB.attach(browser);
    // the windows' pages reach the services' handlers (main.ts adds the same to the product's table)
    for (const [lw, c] of [[lwA, a], [lwB, b]] as const) for (const part of [c.services.instances.sharingWindow, c.services.instances.incomingCallWindow]) if (part) Object.assign(lw.handlers, part.handlers);
    result.skippedA = Object.keys(a.services.skipped).filter((k) => ['awake', 'sharingWindow', 'incomingCallWindow'].includes(k));
    result.skippedB = Object.keys(b.services.skipped).filter((k) => ['awake', 'sharingWindow', 'incomingCallWindow'].includes(k));
    for (const c of [a, b]) await until(`${c.user} ready`, () => softphone(c, 'window.__softphone.state === "ready"'), 30_000);

    // 1. A calls B with video and appsharing; B answers in the incoming-call window
    a.phone.send({ mt: 'StartCall', sip: b.user, video: true, appsharing: true }, { provider: 'softphone' });
    const alerting = await until('B alerting', () => calls(b).find((x) => x.state === 'Alerting'));
    const inc = await lwB.waitFor('incoming-call.html');
    result.incoming = {
      spec: inc.win.spec,
      heading: await inc.page.textContent('h1'),
      name: await inc.page.textContent('h2.caller'),
      number: await inc.page.textContent('p.number'),
      accept: await inc.page.getAttribute('button.accept', 'aria-label'),
      // the page fits its window (no scrolling)
      fits: await inc.page.evaluate(() => document.documentElement.scrollHeight <= innerHeight),
      model: alerting,
    };
    result.awakeRinging = standIn.active().map((i) => i.service);
    await inc.page.click('button.accept');
    await until('both connected', () => calls(a)[0]?.state === 'Connected' && calls(b)[0]?.state === 'Connected', 30_000);
    await until('incoming-call window closed', () => inc.win.closed, 10_000);
    result.bRequests = ((await softphone(b, 'window.__softphone.log')) as string[]).filter((l) => /request (Connect|Disconnect)Call/.test(l)).map((l) => l.replace(/^\S+ /, '').replace(/@local-[\w-]+/, '@local-<id>'));

    // 2. A: awake (system and display), the sharing bar, Stop
    await until('A inhibited', () => standIn.active().length === 2, 10_000);
    result.awakeInCall = standIn.active().map((i) => [i.service, i.reason]);
    const bar = await lwA.waitFor('sharing.html');
    result.sharing = { spec: bar.win.spec, text: await bar.page.textContent('#text'), stop: await bar.page.getAttribute('#stop', 'aria-label') };
    const sharingChannel = ((await softphone(a, 'window.__softphone.calls()')) as R[])[0]!.channels.appsharing as string;
    await bar.page.click('#stop');
    await until('sharing bar closed', () => bar.win.closed, 10_000);
    result.stopped = ((await softphone(a, 'window.__softphone.events')) as R[]).filter((m) => m.mt === 'ChannelClosed' && m.channel === sharingChannel);
    result.afterStop = {
      activity: a.services.instances.media!.relay.activity(),
      awake: standIn.active().map((i) => i.service),
      kinds: ((await softphone(a, 'window.__softphone.calls()')) as R[])[0]!.kinds,
      sharingWindow: { ...a.services.instances.sharingWindow!.stats }, // a copy: the stats go on counting
    };

    // 3. hang-up: nothing kept awake
    a.phone.send({ mt: 'DisconnectCall' }, { provider: 'softphone' });
    await until('both idle', () => calls(a).length === 0 && calls(b).length === 0, 15_000);
    await until('A released', () => standIn.active().length === 0, 10_000);
    result.inhibitCalls = [...standIn.calls];

    // 4. Reject in B's window ends the next call
    a.phone.send({ mt: 'StartCall', sip: b.user }, { provider: 'softphone' });
    const inc2 = await lwB.waitFor('incoming-call.html');
    await inc2.page.click('button.reject');
    await until('rejected: both idle', () => calls(a).length === 0 && calls(b).length === 0, 15_000);
    await until('window closed after reject', () => inc2.win.closed, 10_000);
    result.rejected = true;

    // 5. the shared screen goes away outside the app (the capture track ends in A's engine): the
    //    same ChannelClosed "stopped", and the bar goes
    a.phone.send({ mt: 'StartCall', sip: b.user, appsharing: true }, { provider: 'softphone' });
    const inc3 = await lwB.waitFor('incoming-call.html');
    await inc3.page.click('button.accept');
    await until('connected with appsharing', () => calls(a)[0]?.state === 'Connected' && calls(b)[0]?.state === 'Connected', 30_000);
    const bar2 = await lwA.waitFor('sharing.html');
    const shared = ((await softphone(a, 'window.__softphone.calls()')) as R[])[0]!.channels.appsharing as string;
    // the screen capture's track (it has a displaySurface; the camera's has none)
    result.trackEnded = await a.engine.evaluate(() => {
      const tracks = (globalThis as unknown as { __watchedTracks: MediaStreamTrack[] }).__watchedTracks.filter((t) => t.readyState === 'live' && (t.getSettings() as { displaySurface?: string }).displaySurface);
      tracks.forEach((t) => t.dispatchEvent(new Event('ended')));
      return tracks.length;
    });
    await until('sharing bar closed after the track ended', () => bar2.win.closed, 10_000);
    result.trackStopped = ((await softphone(a, 'window.__softphone.events')) as R[]).filter((m) => m.mt === 'ChannelClosed' && m.channel === shared);
    a.phone.send({ mt: 'DisconnectCall' }, { provider: 'softphone' });
    await until('idle after the track test', () => calls(a).length === 0 && calls(b).length === 0, 15_000);

    // 6. "Desktop notifications" off on B: a call rings without a window
    const incoming = b.services.instances.incomingCallWindow!;
    incoming.setEnabled(false);
    const opened = lwB.windows.length;
    a.phone.send({ mt: 'StartCall', sip: b.user }, { provider: 'softphone' });
    await until('B alerting (notifications off)', () => calls(b).find((x) => x.state === 'Alerting'));
    await new Promise((r) => setTimeout(r, 1000));
    result.offWindows = lwB.windows.length - opened;
    b.phone.send({ mt: 'DisconnectCall' }, { provider: 'softphone' });
    await until('idle at the end', () => calls(a).length === 0 && calls(b).length === 0, 15_000);
    result.incomingStats = { ...incoming.stats };
    result.errors = { a: await softphone(a, 'window.__softphone.errors'), b: await softphone(b, 'window.__softphone.errors') };
    result.warnings = logger.lines.filter((l) => l.level !== 'trace').map((l) => l.message);
    result.phoneApi = Api.phone;
  } catch (err) {
    await debug();
    throw err;
  }
});
