/**
 * The demo's scripted tour (README "The demo"): each step does what a user (or the PBX, or the
 * OS) does, checks what the product did, saves screenshots and says in one line what happened and
 * how long it took. Steps wait generously (a loaded machine is slow) and never judge speed.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { Api } from '../../common/bus';
import { appRequest } from '../../test/e2e/harness/app-request';
import { webClientProvider } from '../../test/e2e/harness/stack';
import { until } from '../../test/e2e/harness/two-clients';
import { captureScreen } from './screen';
import { TOUR_STEP_IDS, xdotoolChord, type TourStepId } from './steps';
import { CALLER, USER, loginAndWait, run, type DemoWorld } from './world';

export interface StepTools {
  /** Saves a screenshot of a page (viewport, or the whole page). */
  shot(page: Page, name: string, fullPage?: boolean): Promise<void>;
  /** Saves a screenshot of the private X display (notification bubbles, all windows). */
  screen(name: string): Promise<void>;
}

export interface TourStep {
  id: TourStepId;
  title: string;
  /** Does the step; resolves with what happened (one line), throws with why not. */
  run(w: DemoWorld, t: StepTools): Promise<string>;
}

export interface StepResult {
  id: string;
  title: string;
  ok: boolean;
  seconds: number;
  /** What happened, or why the step failed. */
  detail: string;
  screenshots: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const xdotool = (w: DemoWorld, ...args: string[]) =>
  run('xdotool', args, { ...w.env, DISPLAY: w.desktop.display }).then((r) => {
    if (r.code !== 0) throw new Error(`xdotool ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
    return r.stdout;
  });

/** The frame of one of the web client's apps (its iframe is named after the app). */
async function appFrame(w: DemoWorld, app: string): Promise<Frame> {
  return until(`the ${app} app's frame`, () => w.client.main().frame({ name: app }) ?? w.client.main().frames().find((f) => f.url().startsWith(`${w.sim().appsOrigin}/PBX0/APPS/${app}.htm`)), 30_000);
}

/** The calls of a client's softphone (its com.innovaphone.phone model). */
function softphoneCalls(consumer: { providers(): Record<string, { model: Record<string, unknown> }> }): { id: string; dir: string; state: string; sip: string }[] {
  return ((consumer.providers().softphone?.model.calls as never[] | undefined) ?? []) as { id: string; dir: string; state: string; sip: string }[];
}

/** Audio packets the softphone in `page` received on its connected call. */
async function audioReceived(page: Page): Promise<number> {
  const frame = page.frame({ name: 'softphone' });
  if (!frame) return 0;
  const stats = (await frame.evaluate(() => (globalThis as unknown as { __softphone: { getStats(): Promise<Record<string, { kind: string; packetsReceived?: number }>> } }).__softphone.getStats())) ?? {};
  return Object.values(stats).find((s) => s.kind === 'audio')?.packetsReceived ?? 0;
}

/** The incoming-call window (a launcher dialog): waits until it shows the caller's name and number in `lang`. */
async function incomingCallWindow(w: DemoWorld, lang: 'en' | 'de'): Promise<{ page: Page; heading: string; name: string; number: string; reject: string }> {
  const win = await until('the incoming-call window', () => w.client.dialogs.opened().find((d) => d.spec.page === 'incoming-call.html'), 30_000);
  const page = win.page;
  await page.locator('body[data-ready="true"][data-calls="1"]').waitFor({ timeout: 30_000 });
  const text = async (sel: string) => ((await page.textContent(sel)) ?? '').trim();
  const shown = { page, heading: await text('h1'), name: await text('h2.caller'), number: await text('p.number'), reject: await text('button.reject') };
  const pageLang = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang);
  // the name: the call's display name, else its SIP name (the stand-in softphone publishes sip and num, no dn)
  if (shown.name !== CALLER.sip || shown.number !== CALLER.num || pageLang !== lang) throw new Error(`the incoming-call window shows ${JSON.stringify({ ...shown, page: undefined, lang: pageLang })}, not ${CALLER.sip} ${CALLER.num} in ${lang}`);
  return shown;
}

const DIAL_NUMBER = '+49 7031 73009-34';
const LINK = 'tel:+49%207031%2073009-21';
const FORCED = { key: 'appearOfflineAfterMs', pbxKey: 'offline', value: 600_000 } as const;

export const TOUR: TourStep[] = [
  {
    id: 'dial',
    title: 'dial selected text by hot key',
    async run(w, t) {
      const chord = xdotoolChord(String(w.settings.get('hotkeyDial')));
      // Another application's window showing a number (its own browser context: not the client).
      const card = await w.browser.newPage({ viewport: null });
      try {
        await card.setContent(`<title>Contact card (another application)</title><body style="margin:0;height:100vh;display:flex;align-items:center;justify-content:center;font:56px sans-serif"><p id="n" style="margin:0">${DIAL_NUMBER}</p></body>`);
        const ids = (await xdotool(w, 'search', '--sync', '--onlyvisible', '--name', '^Contact card')).trim().split('\n').filter(Boolean);
        for (const id of ids) await xdotool(w, 'windowraise', id);
        // the paragraph's centre on the screen (no window manager: the window's screen position is its own)
        const at = await card.evaluate(() => {
          const g = globalThis as unknown as { screenX: number; screenY: number; outerWidth: number; innerWidth: number; outerHeight: number; innerHeight: number; document: { getElementById(id: string): { getBoundingClientRect(): { x: number; y: number; width: number; height: number } } } };
          const r = g.document.getElementById('n').getBoundingClientRect();
          return { x: Math.round(g.screenX + (g.outerWidth - g.innerWidth) / 2 + r.x + r.width / 2), y: Math.round(g.screenY + (g.outerHeight - g.innerHeight) + r.y + r.height / 2) };
        });
        await xdotool(w, 'mousemove', String(at.x), String(at.y), 'click', '--repeat', '3', '--delay', '60', '1');
        const selected = await until('the selected number (X11 PRIMARY, read by the product\'s selection reader)', async () => ((await w.osAdapters.selectionReader.readSelection()).trim() === DIAL_NUMBER ? true : undefined), 15_000);
        void selected;
        w.sim().control.clearReceived();
        await xdotool(w, 'key', chord);
        const prepare = await w.sim().control.waitForReceived((r) => r.msg.mt === 'PrepareCall', 30_000);
        if (prepare.app !== 'phone' || String(prepare.msg.text ?? prepare.msg.txt).trim() !== DIAL_NUMBER) throw new Error(`unexpected ${JSON.stringify(prepare)}`);
        await w.client.main().bringToFront();
        await sleep(300); // the phone app draws the number
        await t.shot(w.client.main(), '01-dial-prepare-call.png');
        await sleep(900); // outside the double-press window
        await xdotool(w, 'key', '--delay', '120', chord, chord);
        const start = await w.sim().control.waitForReceived((r) => r.msg.mt === 'StartCall', 30_000);
        await sleep(300);
        await t.shot(w.client.main(), '02-dial-start-call.png');
        return `${DIAL_NUMBER} selected in another window (xdotool triple click), ${chord} (XGrabKey) → PrepareCall ${JSON.stringify(prepare.msg.text ?? prepare.msg.txt)} in the phone app; pressed twice → StartCall ${JSON.stringify(start.msg.txt ?? start.msg.text)}`;
      } finally {
        await card.context().close().catch(() => undefined);
      }
    },
  },
  {
    id: 'link',
    title: 'tel: link through the second-instance handoff',
    async run(w, t) {
      const env = { ...w.env };
      delete env.XDG_CURRENT_DESKTOP;
      // the client registered itself at start (xdg-mime, in the background): wait until the OS knows
      const handler = await until('the tel: handler registered by the client (xdg-mime)', async () => {
        const r = await run('xdg-mime', ['query', 'default', 'x-scheme-handler/tel'], env);
        return r.stdout.trim() === 'myapps-links.desktop' ? r.stdout.trim() : undefined;
      }, 30_000);
      w.sim().control.clearReceived();
      const opened = await run('xdg-open', [LINK], env, 60_000);
      if (opened.code !== 0) throw new Error(`xdg-open ${LINK} exited ${opened.code}: ${opened.stderr.trim()}`);
      const start = await w.sim().control.waitForReceived((r) => r.msg.mt === 'StartCall', 30_000);
      if (start.app !== 'phone' || start.msg.num !== '+4970317300921') throw new Error(`unexpected ${JSON.stringify(start)}`);
      await sleep(300);
      await t.shot(w.client.main(), '03-tel-link.png');
      return `xdg-open ${LINK} → ${handler} started the built product (dist/main.cjs) as a second instance, which handed the link over ${w.client.linkHandoffPath} and exited 0 → StartCall {num: "${String(start.msg.num)}"} in the phone app`;
    },
  },
  {
    id: 'call',
    title: 'incoming call: notification and incoming-call window',
    async run(w, t) {
      const notifications = w.services.instances.notifications;
      if (!notifications) throw new Error('the notification service is not running');
      const mine = w.services.router.consume(Api.phone);
      /** The caller calls; resolves when the softphone alerts and dunst shows the product's notification (screenshot `shot`). */
      const ring = async (shot: string) => {
        w.caller.phone.send({ mt: 'StartCall', sip: USER.sip }, { provider: 'softphone' });
        const alerting = await until(`the call from ${CALLER.sip} alerting in the softphone`, () => softphoneCalls(mine).find((c) => c.dir === 'i' && c.state === 'Alerting'), 60_000);
        await until('the incoming-call notification on dunst', async () => notifications.visible().some((v) => v.kind === 'call') && (await w.desktop.notifications.displayed()) > 0, 30_000);
        await sleep(500); // dunst draws
        // no window manager keeps dunst's bubble on top of the Chromium windows raised since: raise it
        for (const id of (await xdotool(w, 'search', '--class', 'dunst').catch(() => '')).trim().split('\n').filter(Boolean)) await xdotool(w, 'windowraise', id).catch(() => undefined);
        await sleep(200);
        await t.screen(shot);
        return alerting;
      };
      const released = () => until('the call released on both sides', () => softphoneCalls(mine).length === 0 && softphoneCalls(w.caller.phone).length === 0, 60_000);
      try {
        // English (the web client's language from the PBX): accepted on the notification
        const alerting = await ring('04-incoming-call-en.png');
        const en = await incomingCallWindow(w, 'en');
        await t.shot(en.page, '05-incoming-call-window-en.png');
        await w.desktop.notifications.clickAction('Connect');
        await until('the call connected in both softphones', () => softphoneCalls(mine).some((c) => c.id === alerting.id && c.state === 'Connected') && softphoneCalls(w.caller.phone).some((c) => c.state === 'Connected'), 60_000);
        await until('the incoming-call window closed once the call was answered', () => en.page.isClosed(), 30_000);
        const packets = await until('audio received over the call (fake microphone, media engine)', async () => {
          const n = await audioReceived(w.client.main());
          return n > 25 ? n : undefined;
        }, 60_000, 500);
        await t.shot(w.client.main(), '06-call-connected.png');
        w.caller.phone.send({ mt: 'DisconnectCall' }, { provider: 'softphone' });
        await released();
        // German: the PBX gives the user German, the web client starts again in it; the launcher's
        // window as for a German OS language; rejected in the incoming-call window
        await w.setWebClientLanguage('de');
        w.client.dialogs.setLanguage('de');
        try {
          await ring('07-incoming-call-de.png');
          const de = await incomingCallWindow(w, 'de');
          await t.shot(de.page, '08-incoming-call-window-de.png');
          await de.page.click('button.reject');
          await released();
          await until('the incoming-call window closed after Reject', () => de.page.isClosed(), 30_000);
          await until('the notification closed with the call', () => !notifications.visible().some((v) => v.kind === 'call'), 30_000);
          await w.setWebClientLanguage('en');
          return `${CALLER.sip} calls ${USER.sip}: the softphone alerts and notifies (com.innovaphone.launcher → D-Bus → dunst), the incoming-call window shows "${en.name}" ${en.number} ("${en.heading}"); "Connect" clicked on dunst (ActionInvoked) → connected, the window closed, ${packets} audio packets received, hung up; in German the window says "${de.heading}", "${de.reject}" clicked in it → rejected, window and notification gone`;
        } finally {
          w.client.dialogs.setLanguage(undefined);
        }
      } finally {
        mine.close();
      }
    },
  },
  {
    id: 'sharing',
    title: 'screen sharing in a call: the sharing bar, Stop',
    async run(w, t) {
      const mine = w.services.router.consume(Api.phone);
      const sharingWindow = w.services.instances.sharingWindow;
      if (!sharingWindow) throw new Error('the sharing bar is not running');
      const softphone = async (expr: string): Promise<unknown> => {
        const frame = w.client.main().frame({ name: 'softphone' });
        if (!frame) throw new Error('no softphone frame in the main window');
        return frame.evaluate(expr);
      };
      try {
        // the user calls the caller with screen sharing (the softphone shares the screen: getDisplayMedia in the media engine)
        mine.send({ mt: 'StartCall', sip: CALLER.sip, appsharing: true }, { provider: 'softphone' });
        const ringing = await until(`the call alerting at ${CALLER.sip}`, () => softphoneCalls(w.caller.phone).find((c) => c.dir === 'i' && c.state === 'Alerting'), 60_000);
        w.caller.phone.send({ mt: 'ConnectCall', id: ringing.id }, { provider: 'softphone' });
        await until('the call connected in both softphones', () => softphoneCalls(mine).some((c) => c.state === 'Connected') && softphoneCalls(w.caller.phone).some((c) => c.state === 'Connected'), 60_000);
        const awake = await until('kept awake (system and display inhibited on the session D-Bus)', () => (w.inhibit.active().length === 2 ? w.inhibit.active().map((i) => `${i.service} "${i.reason}"`) : undefined), 30_000);
        const bar = await until('the sharing bar', () => w.client.dialogs.opened().find((d) => d.spec.page === 'sharing.html'), 30_000);
        await bar.page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
        const text = (await bar.page.textContent('#text'))?.trim() ?? '';
        await sleep(200);
        await t.shot(bar.page, '09-sharing-bar.png');
        const channel = String(((await softphone('window.__softphone.calls()')) as { dir: string; channels: Record<string, unknown> }[]).find((c) => c.dir === 'o')?.channels.appsharing ?? '');
        if (!channel) throw new Error('the call has no appsharing channel');
        await bar.page.click('#stop');
        await until('the sharing bar closed after Stop', () => bar.page.isClosed(), 30_000);
        const closed = await until('ChannelClosed for the shared screen in the softphone', async () => ((await softphone('window.__softphone.events')) as { mt: string; channel?: string; reason?: string }[]).find((m) => m.mt === 'ChannelClosed' && m.channel === channel), 30_000);
        const connected = softphoneCalls(mine).some((c) => c.state === 'Connected');
        mine.send({ mt: 'DisconnectCall' }, { provider: 'softphone' });
        await until('the call released on both sides', () => softphoneCalls(mine).length === 0 && softphoneCalls(w.caller.phone).length === 0, 60_000);
        await until('nothing kept awake after the call', () => w.inhibit.active().length === 0, 30_000);
        return `${USER.sip} calls ${CALLER.sip} with screen sharing, accepted: kept awake through the D-Bus inhibit adapter (${awake.join(', ')}; stand-in inhibit services on the private session bus); the sharing bar says "${text}"; Stop clicked → the softphone's appsharing channel closed (ChannelClosed${closed.reason ? ` "${closed.reason}"` : ''}), the bar gone, the call ${connected ? 'still connected' : 'ended'}; hung up → inhibitions released`;
      } finally {
        mine.close();
      }
    },
  },
  {
    id: 'search',
    title: 'phone-book search from the phone app',
    async run(w, t) {
      const frame = await appFrame(w, 'phone');
      const { results } = await appRequest(frame, Api.search, { mt: 'Search', type: 'contact', search: 'müller' }, 'SearchResult');
      const infos = results.filter((r) => r.msg.mt === 'SearchInfo');
      const hit = infos.find((r) => r.msg.dn === 'Jürgen Müller' && r.provider.startsWith('@local-'));
      if (!hit) throw new Error(`no "Jürgen Müller" from the local phone book in ${JSON.stringify(results).slice(0, 500)}`);
      const phones = ((hit.msg.contact as { telephonenumber?: string[] } | undefined)?.telephonenumber ?? []).join(', ');
      // what the app got, drawn into its page for the screenshot
      await frame.evaluate((rows) => {
        const d = (globalThis as unknown as { document: { createElement(t: string): { id: string; textContent: string; style: { cssText: string } }; body: { appendChild(e: unknown): void } } }).document;
        const box = d.createElement('pre');
        box.id = 'demo-search-results';
        box.style.cssText = 'border:2px solid #2a6;padding:8px;background:#efe;font:14px monospace;white-space:pre-wrap';
        box.textContent = `com.innovaphone.search "müller" (answered by the local phone book):\n${rows.join('\n')}`;
        d.body.appendChild(box);
      }, infos.map((r) => `${String(r.msg.dn)}  ${JSON.stringify((r.msg.contact as Record<string, unknown> | undefined)?.telephonenumber ?? [])}  (${r.provider})`));
      await sleep(200);
      await t.shot(w.client.main(), '10-phonebook-search.png', true);
      return `the phone app sent com.innovaphone.search "müller": ${infos.length} result(s) from the local phone book (${hit.provider}, vCards in ~/.local/share/contacts): ${String(hit.msg.dn)} ${phones}`;
    },
  },
  {
    id: 'outage',
    title: 'PBX outage: apps from the app proxy',
    async run(w, t) {
      const main = w.client.main();
      const before = (await webClientProvider(w.services)).name;
      const seen = w.appProxyOutcomes().length;
      await w.stopSim();
      await main.reload();
      // a new web client (its own @client-<id>) with its apps, from the cache, on the bus
      await until('the web client started again with the PBX down', async () => (await webClientProvider(w.services, 2000)).name !== before, 60_000);
      for (const app of ['phone', 'chat', 'softphone']) {
        const c = w.services.router.consume(app === 'chat' ? Api.chat : Api.phone);
        try {
          await c.waitForProvider(60_000, app);
        } finally {
          c.close();
        }
      }
      const served = w.appProxyOutcomes().slice(seen);
      const offline = served.filter((s) => s.outcome === 'offline');
      if (!offline.length) throw new Error(`no file came from the cache (outcomes: ${JSON.stringify(served).slice(0, 300)})`);
      await sleep(500);
      await t.shot(main, '11-pbx-outage.png');
      const down = `pbx-sim stopped: the web client and its apps (phone, chat, softphone) loaded ${offline.length} files from the app proxy's cache and registered on the bus`;
      await w.restartSim();
      // the PBX lost its sessions: both web clients start again and log in (the caller's too, for later calls)
      await Promise.all([main, w.caller.web].map((p) => p.reload()));
      await Promise.all([loginAndWait(main, w.services, USER), loginAndWait(w.caller.web, w.caller.services, CALLER)]);
      return `${down}; pbx-sim started again: both clients logged in again, apps from the PBX`;
    },
  },
  {
    id: 'forced',
    title: 'PBX-forced setting on the settings page',
    async run(w, t) {
      const sim = w.sim();
      const admin = { ...(sim.control.model().adminSettings as Record<string, unknown>), [FORCED.pbxKey]: { value: FORCED.value, force: true } };
      sim.control.setModel({ adminSettings: admin as never });
      await until('the forced value in the settings store', () => w.settings.resolve(FORCED.key).source === 'pbx-forced' && w.settings.get(FORCED.key) === FORCED.value, 60_000);
      const texts: string[] = [];
      for (const lang of ['en', 'de'] as const) {
        const page = await w.client.openSettings(lang);
        const row = page.locator(`tr[data-key="${FORCED.key}"]`);
        await until(`the ${lang} settings page showing ${FORCED.key} locked by the PBX`, async () => (await row.getAttribute('data-locked')) === 'true' && (await row.getAttribute('data-source')) === 'pbx-forced', 30_000);
        await row.scrollIntoViewIfNeeded();
        texts.push((await row.innerText()).replace(/\s+/g, ' ').trim());
        await t.shot(page, `${lang === 'en' ? '12' : '13'}-settings-${lang}.png`, true);
      }
      return `pbx-sim pushed adminSettings ${FORCED.pbxKey} = ${FORCED.value} with force: the settings page shows "${texts[0]}" (German: "${texts[1]}")`;
    },
  },
  {
    id: 'logs',
    title: 'collect logs',
    async run(w, t) {
      const page = await w.client.openSettings('en');
      await page.locator('#collect-logs').click();
      const text = await until('the zip written (settings page)', async () => {
        const s = (await page.locator('#logs-result').innerText()).trim();
        return /\.zip\b/.test(s) ? s : undefined;
      }, 60_000);
      const zip = /(\/\S+\.zip)/.exec(text)?.[1];
      if (!zip) throw new Error(`no zip path in "${text}"`);
      const st = await fs.stat(zip);
      await t.shot(page, '14-collect-logs.png');
      return `"Collect logs" on the settings page wrote ${zip} (${Math.round(st.size / 1024)} kB: trace files, resolved settings, versions)`;
    },
  },
];

if (TOUR.map((s) => s.id).join() !== TOUR_STEP_IDS.join()) throw new Error('scripts/demo/steps.ts and the tour disagree');

/** Runs `steps` in order, one line each; a failed step is reported and the next one runs. */
export async function runTour(w: DemoWorld, o: { out: string; say(line: string): void; steps?: TourStep[] }): Promise<StepResult[]> {
  const steps = o.steps ?? TOUR;
  await fs.mkdir(o.out, { recursive: true });
  const results: StepResult[] = [];
  for (const [n, step] of steps.entries()) {
    const shots: string[] = [];
    const tools: StepTools = {
      async shot(page, name, fullPage = false) {
        const file = path.join(o.out, name);
        await page.screenshot({ path: file, fullPage });
        shots.push(file);
      },
      async screen(name) {
        const file = path.join(o.out, name);
        await captureScreen(w.desktop.display, file);
        shots.push(file);
      },
    };
    const t0 = performance.now();
    let ok = true;
    let detail: string;
    try {
      detail = await step.run(w, tools);
    } catch (err) {
      ok = false;
      detail = err instanceof Error ? err.message : String(err);
    }
    const seconds = (performance.now() - t0) / 1000;
    results.push({ id: step.id, title: step.title, ok, seconds, detail, screenshots: shots });
    o.say(`${ok ? 'step' : 'FAILED step'} ${n + 1}/${steps.length} ${step.title}: ${detail} (${seconds.toFixed(1)} s)${shots.length ? ` [${shots.map((s) => path.basename(s)).join(', ')}]` : ''}`);
  }
  return results;
}
