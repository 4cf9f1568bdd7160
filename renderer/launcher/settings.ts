/**
 * Advanced settings: every setting with its value, where the value comes from (default,
 * installer/MDM, PBX, PBX forced, user) and whether it is locked. Locked rows are greyed and their
 * controls disabled. Changes are validated here with the same schema as in the main process and
 * saved immediately; "Reset" removes the user's value.
 */
import { coerceSetting, isSettingKey } from '../../common/settings/schema';
import type { SettingSource } from '../../common/settings/resolve';
import { getLauncherApi, type HotkeyStatusView, type LauncherPagesApi, type SettingRow } from './api';
import { demoBanner, fatal, h } from './dom';
import {
  OFFLINE_MAX_MINUTES,
  RECOMMENDED_LOG_FLAGS,
  bytesToMbText,
  describeCacheMb,
  describeLogSize,
  describeOffline,
  logFlagCategories,
  offlineMinutesText,
  parseCacheMb,
  parseHotkeyField,
  parseLogSizeMb,
  parseOfflineMinutes,
  type Parsed,
} from './settings-units';

const SOURCE_LABEL: Record<SettingSource, string> = {
  default: 'Default',
  managed: 'Installer / MDM',
  pbx: 'PBX default',
  'pbx-forced': 'PBX (forced)',
  user: 'Your choice',
};

/** Labels and descriptions in the unit the page edits (the schema speaks of the stored unit). */
const WORDING: Record<string, { label: string; description: string }> = {
  appearOfflineAfterMs: { label: 'Appear offline after (minutes)', description: 'Minutes without keyboard or mouse input after which your presence shows offline; 0 = off.' },
  logSizeBytes: { label: 'Maximum trace file size (MB)', description: 'Like --log-size: each trace file is rotated at this size.' },
  logFlags: { label: 'Log flags', description: 'Which trace categories are written (hex mask). Support may ask for the mask for call problems.' },
};

/** What a row's control reports: the value to store, or why the input is refused. */
type Commit = (parsed: Parsed<unknown>) => void;

interface RowUi {
  control: HTMLElement;
  /** Line under the control explaining the value (units, categories); updated while typing. */
  hint?: HTMLElement;
  extra?: HTMLElement | null;
}

function hintEl(key: string, text = ''): HTMLElement {
  return h('div', { class: 'hint value-hint', id: `hint-${key}`, 'aria-live': 'polite' }, text);
}

/** A text/number field that explains itself while typing and stores the parsed value on change. */
function field(
  row: SettingRow,
  opts: { text: string; parse: (t: string) => Parsed<unknown>; explain: (p: Parsed<unknown>, t: string) => string; unit?: string; attrs?: Record<string, string> },
  commit: Commit,
  err: HTMLElement,
): RowUi {
  const id = `setting-${row.key}`;
  const input = h('input', { id, type: 'text', disabled: row.locked, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': `hint-${row.key}`, ...(opts.attrs ?? {}) });
  input.value = opts.text;
  const hint = hintEl(row.key, opts.explain(opts.parse(opts.text), opts.text));
  const check = (): Parsed<unknown> => {
    const p = opts.parse(input.value);
    input.setAttribute('aria-invalid', String(!p.ok));
    err.textContent = p.ok ? '' : p.error;
    hint.textContent = p.ok ? opts.explain(p, input.value) : '';
    return p;
  };
  input.addEventListener('input', () => void check());
  input.addEventListener('change', () => commit(check()));
  const control = opts.unit ? h('span', { class: 'with-unit' }, input, h('span', { class: 'unit' }, opts.unit)) : input;
  return { control, hint };
}

function rowUi(row: SettingRow, commit: Commit, err: HTMLElement): RowUi {
  const id = `setting-${row.key}`;
  const disabled = row.locked;
  if (row.key === 'appearOfflineAfterMs') {
    const fromPbx = row.source === 'pbx' || row.source === 'pbx-forced';
    const pbxNote = fromPbx && typeof row.value === 'number' ? ` PBX value: ${offlineMinutesText(row.value)} min (offline = ${row.value} ms).` : '';
    return field(row, {
      text: offlineMinutesText(row.value),
      parse: parseOfflineMinutes,
      explain: (p) => (p.ok ? describeOffline(p.value) + pbxNote : ''),
      unit: 'min',
      attrs: { inputmode: 'numeric', class: 'short', title: `Whole minutes, 0–${OFFLINE_MAX_MINUTES}; 0 = off` },
    }, commit, err);
  }
  if (row.key === 'logSizeBytes') {
    return field(row, { text: bytesToMbText(row.value), parse: parseLogSizeMb, explain: (p) => (p.ok ? describeLogSize(p.value) : ''), unit: 'MB', attrs: { inputmode: 'decimal', class: 'short' } }, commit, err);
  }
  if (row.key === 'appProxyCacheMb') {
    return field(row, { text: String(row.value), parse: parseCacheMb, explain: (p) => (p.ok ? describeCacheMb(p.value) : ''), unit: 'MB', attrs: { inputmode: 'numeric', class: 'short' } }, commit, err);
  }
  if (row.kind === 'logFlags') {
    const ui = field(row, { text: String(row.value), parse: logFlagCategoriesAsValue, explain: (p, t) => (p.ok ? logFlagHint(t) : ''), attrs: { class: 'mono' } }, commit, err);
    const rec = !row.locked && String(row.value).toLowerCase() !== RECOMMENDED_LOG_FLAGS
      ? h('button', { type: 'button', id: 'log-flags-recommended', class: 'small', title: 'App, Browser, ICE, TURN, Signaling and Audio traces' }, `Use recommended for call problems (${RECOMMENDED_LOG_FLAGS})`)
      : null;
    rec?.addEventListener('click', () => commit({ ok: true, value: RECOMMENDED_LOG_FLAGS }));
    return { ...ui, extra: rec };
  }
  if (row.kind === 'hotkey') {
    return field(row, { text: String(row.value ?? ''), parse: parseHotkeyField, explain: (p) => (p.ok && p.value === '' ? 'No hot key.' : ''), attrs: { placeholder: 'e.g. CTRL + ALT + F9', class: 'hotkey' } }, commit, err);
  }
  switch (row.kind) {
    case 'boolean': {
      const el = h('input', { id, type: 'checkbox', disabled });
      el.checked = row.value === true;
      el.addEventListener('change', () => commit({ ok: true, value: el.checked }));
      return { control: el };
    }
    case 'enum': {
      const el = h('select', { id, disabled }, ...(row.options ?? []).map((o) => h('option', { value: o }, o)));
      el.value = String(row.value);
      el.addEventListener('change', () => commit({ ok: true, value: el.value }));
      return { control: el };
    }
    case 'integer': {
      const el = h('input', { id, type: 'number', disabled });
      el.value = String(row.value);
      el.addEventListener('change', () => commit(el.value === '' ? { ok: false, error: 'Enter a number.' } : { ok: true, value: Number(el.value) }));
      return { control: el };
    }
    case 'stringList': {
      const el = h('input', { id, type: 'text', disabled, spellcheck: 'false' });
      el.value = Array.isArray(row.value) ? row.value.join(',') : '';
      el.addEventListener('change', () => commit({ ok: true, value: el.value.split(',').map((s) => s.trim()).filter(Boolean) }));
      return { control: el };
    }
    case 'externalApps': {
      const apps = Array.isArray(row.value) ? (row.value as { name: string }[]) : [];
      return { control: h('span', { id }, apps.length ? apps.map((a) => a.name).join(', ') : 'none') };
    }
    default: {
      const el = h('input', { id, type: 'text', disabled, spellcheck: 'false' });
      el.value = typeof row.value === 'string' ? row.value : JSON.stringify(row.value);
      el.addEventListener('change', () => commit({ ok: true, value: el.value }));
      return { control: el };
    }
  }
}

function logFlagCategoriesAsValue(text: string): Parsed<unknown> {
  const c = coerceSetting('logFlags', text);
  return c.ok ? { ok: true, value: c.value } : { ok: false, error: c.error.replace(/^logFlags: /, '') };
}

function logFlagHint(text: string): string {
  const d = logFlagCategories(text);
  return d.ok ? d.value : '';
}

const HOTKEY_OF: Record<string, keyof HotkeyStatusView['functions']> = { hotkeyDial: 'dial', hotkeyAccept: 'accept', hotkeyReject: 'reject' };

/** Under a hot-key row: registered with the OS, or why not; and a failure of its last press. */
function hotkeyState(key: string, status: HotkeyStatusView | undefined): HTMLElement[] {
  const f = HOTKEY_OF[key];
  const st = f && status ? status.functions[f] : undefined;
  if (!st || !st.configured.trim()) return [];
  const out = [
    st.active
      ? h('div', { class: 'hotkey-state active', 'data-hotkey': f, 'data-active': 'true' }, `Active: ${st.chord ?? st.configured}`)
      : h('div', { class: 'hotkey-state inactive', 'data-hotkey': f, 'data-active': 'false' }, `Not active: ${st.reason ?? 'not registered'}`),
  ];
  if (st.problem) out.push(h('div', { class: 'hotkey-problem', role: 'alert', 'data-hotkey': f, 'data-kind': st.problemKind }, st.problem));
  return out;
}

let hotkeys: HotkeyStatusView | undefined;

async function render(root: HTMLElement, api: LauncherPagesApi): Promise<void> {
  const { rows, warnings } = await api.getSettings();
  hotkeys = await api.hotkeyStatus().catch(() => undefined);
  const tbody = h('tbody');
  for (const row of rows) {
    const err = h('div', { class: 'row-error', role: 'alert' });
    const commit: Commit = (parsed) => {
      err.textContent = '';
      if (!parsed.ok) {
        err.textContent = parsed.error;
        return;
      }
      let value = parsed.value;
      if (isSettingKey(row.key)) {
        const c = coerceSetting(row.key, value);
        if (!c.ok) {
          err.textContent = c.error;
          return;
        }
        value = c.value;
      }
      void api.setSetting(row.key, value).then((r) => {
        if (!r.ok) err.textContent = r.error;
        else void render(root, api);
      });
    };
    const ui = rowUi(row, commit, err);
    const words = WORDING[row.key];
    const lockText = row.locked ? (row.lockedBy === 'pbx' ? 'Locked: forced by PBX' : row.source === 'default' ? 'Locked: installer option' : 'Locked: set by installer') : '';
    const reset = row.source === 'user' && !row.locked ? h('button', { type: 'button', class: 'reset', 'data-key': row.key }, 'Reset') : null;
    reset?.addEventListener('click', () => void api.resetSetting(row.key).then(() => render(root, api)));
    tbody.append(
      h('tr', { class: row.locked ? 'locked' : '', 'data-key': row.key, 'data-source': row.source, 'data-locked': String(row.locked) },
        h('td', {}, h('label', { for: `setting-${row.key}` }, words?.label ?? row.label), h('div', { class: 'desc' }, words?.description ?? row.description)),
        h('td', {}, ui.control, ui.hint ?? null, ui.extra ?? null, ...hotkeyState(row.key, hotkeys), err),
        h('td', {}, h('span', { class: `badge ${row.source}` }, SOURCE_LABEL[row.source])),
        h('td', {}, lockText ? h('span', { class: 'lock' }, lockText) : reset),
      ),
    );
  }
  root.replaceChildren(
    ...(api.demo ? [demoBanner()] : []),
    h('main', { class: 'card wide' },
      h('h1', {}, 'Advanced settings'),
      h('p', { class: 'lead' }, 'Where each value comes from: default < installer/MDM < PBX < your choice. Values forced by the PBX or set by the installer cannot be changed here. PBX settings apply on new connections.'),
      warnings.length ? h('ul', { class: 'warnings', id: 'warnings' }, ...warnings.map((w) => h('li', {}, w))) : null,
      hotkeys?.notice ? h('p', { class: 'notice', id: 'hotkey-notice', role: 'note' }, hotkeys.notice) : null,
      tools(api),
      h('table', { class: 'settings' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Setting'), h('th', {}, 'Value'), h('th', {}, 'Source'), h('th', {}, ''))),
        tbody)),
  );
  document.body.dataset.ready = 'true';
}

/** Collect logs (zip of traces + resolved settings) and open the trace folder. */
function tools(api: LauncherPagesApi): HTMLElement {
  const out = h('span', { id: 'logs-result', class: 'hint', 'aria-live': 'polite' });
  const collect = h('button', { id: 'collect-logs', type: 'button' }, 'Collect logs');
  const folder = h('button', { id: 'open-trace-folder', type: 'button' }, 'Open trace folder');
  collect.addEventListener('click', () => {
    collect.disabled = true;
    out.className = 'hint';
    out.textContent = 'Collecting…';
    void api.collectLogs().then(
      (p) => (out.textContent = `Saved: ${p}`),
      (err: unknown) => {
        out.className = 'hint error';
        out.textContent = String((err as Error)?.message ?? err);
      },
    ).finally(() => (collect.disabled = false));
  });
  folder.addEventListener('click', () => void api.openTraceFolder().catch(() => undefined));
  return h('div', { class: 'tools' }, collect, folder, out);
}

const root = document.getElementById('root')!;
try {
  const api = getLauncherApi();
  api.onSettingsChanged(() => void render(root, api));
  api.onHotkeysChanged(() => void render(root, api));
  void render(root, api).catch((err: unknown) => fatal(root, err));
} catch (err) {
  fatal(root, err);
}
