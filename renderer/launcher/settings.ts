/**
 * Advanced settings: every setting with its value, where the value comes from (default,
 * installer/MDM, PBX, PBX forced, user) and whether it is locked. Locked rows are greyed and their
 * controls disabled. Changes are validated here with the same schema as in the main process and
 * saved immediately; "Reset" removes the user's value. A change re-draws only the rows whose
 * state changed, and keyboard focus stays where it was (on the same control, or on the setting's
 * control when its Reset button went away). Below the tools: About (versions, PBX, updates with
 * the download's progress).
 */
import { coerceSetting, isSettingKey } from '../../common/settings/schema';
import type { Translator } from '../../common/i18n';
import { getLauncherApi, type HotkeyStatusView, type LauncherPagesApi, type SettingRow } from './api';
import { demoBanner, fatal, h, pageWords } from './dom';
import { aboutSection } from './about';
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
  const input = h('input', { id, type: 'text', disabled: row.locked, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': `hint-${row.key} desc-${row.key}`, ...(opts.attrs ?? {}) });
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

function rowUi(row: SettingRow, w: Translator, commit: Commit, err: HTMLElement): RowUi {
  const id = `setting-${row.key}`;
  const disabled = row.locked;
  const described = `desc-${row.key}`;
  if (row.key === 'appearOfflineAfterMs') {
    const fromPbx = row.source === 'pbx' || row.source === 'pbx-forced';
    const pbxNote = fromPbx && typeof row.value === 'number' ? ` ${w.t('settings.pbxOffline', { minutes: w.number(Number(offlineMinutesText(row.value))), ms: row.value })}` : '';
    return field(row, {
      text: offlineMinutesText(row.value),
      parse: (t) => parseOfflineMinutes(t, w),
      explain: (p) => (p.ok ? describeOffline(p.value, w) + pbxNote : ''),
      unit: w.t('units.minuteShort'),
      attrs: { inputmode: 'numeric', class: 'short', title: w.t('settings.minutesTitle', { max: OFFLINE_MAX_MINUTES }) },
    }, commit, err);
  }
  if (row.key === 'logSizeBytes') {
    return field(row, { text: bytesToMbText(row.value), parse: (t) => parseLogSizeMb(t, w), explain: (p) => (p.ok ? describeLogSize(p.value, w) : ''), unit: w.t('units.mb'), attrs: { inputmode: 'decimal', class: 'short' } }, commit, err);
  }
  if (row.key === 'appProxyCacheMb') {
    return field(row, { text: String(row.value), parse: (t) => parseCacheMb(t, w), explain: (p) => (p.ok ? describeCacheMb(p.value, w) : ''), unit: w.t('units.mb'), attrs: { inputmode: 'numeric', class: 'short' } }, commit, err);
  }
  if (row.kind === 'logFlags') {
    const ui = field(row, { text: String(row.value), parse: logFlagCategoriesAsValue, explain: (p, t) => (p.ok ? logFlagHint(t, w) : ''), attrs: { class: 'mono' } }, commit, err);
    const rec = !row.locked && String(row.value).toLowerCase() !== RECOMMENDED_LOG_FLAGS
      ? h('button', { type: 'button', id: 'log-flags-recommended', class: 'small', title: w.t('settings.recommendedTitle') }, w.t('settings.recommended', { mask: RECOMMENDED_LOG_FLAGS }))
      : null;
    rec?.addEventListener('click', () => commit({ ok: true, value: RECOMMENDED_LOG_FLAGS }));
    return { ...ui, extra: rec };
  }
  if (row.kind === 'hotkey') {
    return field(row, { text: String(row.value ?? ''), parse: (t) => parseHotkeyField(t, w), explain: (p) => (p.ok && p.value === '' ? w.t('settings.noHotkey') : ''), attrs: { placeholder: w.t('settings.hotkeyPlaceholder'), class: 'hotkey' } }, commit, err);
  }
  switch (row.kind) {
    case 'boolean': {
      const el = h('input', { id, type: 'checkbox', disabled, 'aria-describedby': described });
      el.checked = row.value === true;
      el.addEventListener('change', () => commit({ ok: true, value: el.checked }));
      return { control: el };
    }
    case 'enum': {
      const optionText = (o: string) => {
        const key = `setting.${row.key}.options.${o}`;
        return w.has(key) ? w.t(key) : o;
      };
      const el = h('select', { id, disabled, 'aria-describedby': described }, ...(row.options ?? []).map((o) => h('option', { value: o }, optionText(o))));
      el.value = String(row.value);
      el.addEventListener('change', () => commit({ ok: true, value: el.value }));
      return { control: el };
    }
    case 'integer': {
      const el = h('input', { id, type: 'number', disabled, 'aria-describedby': described });
      el.value = String(row.value);
      el.addEventListener('change', () => commit(el.value === '' ? { ok: false, error: w.t('settings.enterNumber') } : { ok: true, value: Number(el.value) }));
      return { control: el };
    }
    case 'stringList': {
      const el = h('input', { id, type: 'text', disabled, spellcheck: 'false', 'aria-describedby': described });
      el.value = Array.isArray(row.value) ? row.value.join(',') : '';
      el.addEventListener('change', () => commit({ ok: true, value: el.value.split(',').map((s) => s.trim()).filter(Boolean) }));
      return { control: el };
    }
    case 'externalApps': {
      const apps = Array.isArray(row.value) ? (row.value as { name: string }[]) : [];
      return { control: h('span', { id }, apps.length ? apps.map((a) => a.name).join(', ') : w.t('settings.none')) };
    }
    default: {
      const el = h('input', { id, type: 'text', disabled, spellcheck: 'false', 'aria-describedby': described });
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

function logFlagHint(text: string, w: Translator): string {
  const d = logFlagCategories(text, w);
  return d.ok ? d.value : '';
}

const HOTKEY_OF: Record<string, keyof HotkeyStatusView['functions']> = { hotkeyDial: 'dial', hotkeyAccept: 'accept', hotkeyReject: 'reject' };

/** Under a hot-key row: registered with the OS, or why not; and a failure of its last press. */
function hotkeyState(key: string, status: HotkeyStatusView | undefined, w: Translator): HTMLElement[] {
  const f = HOTKEY_OF[key];
  const st = f && status ? status.functions[f] : undefined;
  if (!st || !st.configured.trim()) return [];
  const out = [
    st.active
      ? h('div', { class: 'hotkey-state active', 'data-hotkey': f, 'data-active': 'true' }, w.t('settings.hotkeyActive', { chord: st.chord ?? st.configured }))
      : h('div', { class: 'hotkey-state inactive', 'data-hotkey': f, 'data-active': 'false' }, w.t('settings.hotkeyInactive', { reason: st.reason ?? w.t('settings.hotkeyNotRegistered') })),
  ];
  if (st.problem) out.push(h('div', { class: 'hotkey-problem', role: 'alert', 'data-hotkey': f, 'data-kind': st.problemKind }, st.problem));
  return out;
}

/** The page's own words for a setting: the page wording (units the page edits in) or the setting's. */
function settingWords(key: string, w: Translator): { label: string; description: string } {
  const pick = (page: string, plain: string) => (w.has(page) ? w.t(page) : w.has(plain) ? w.t(plain) : '');
  return {
    label: pick(`setting.${key}.pageLabel`, `setting.${key}.label`) || key,
    description: pick(`setting.${key}.pageDescription`, `setting.${key}.description`),
  };
}

interface SettingsPage {
  root: HTMLElement;
  api: LauncherPagesApi;
  w: Translator;
  hotkeys?: HotkeyStatusView;
  /** What each drawn row shows (value, source, lock, hot-key state): a row is redrawn when it changes. */
  drawn: Map<string, string>;
  tbody?: HTMLTableSectionElement;
  warnings?: HTMLElement;
  notice?: HTMLElement;
}

function rowElement(page: SettingsPage, row: SettingRow): HTMLTableRowElement {
  const { api, w } = page;
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
      else void refresh(page);
    });
  };
  const ui = rowUi(row, w, commit, err);
  const words = settingWords(row.key, w);
  const lockText = row.locked ? (row.lockedBy === 'pbx' ? w.t('settings.lockedPbx') : row.source === 'default' ? w.t('settings.lockedInstallerOption') : w.t('settings.lockedInstaller')) : '';
  const reset = row.source === 'user' && !row.locked
    ? h('button', { type: 'button', class: 'reset', id: `reset-${row.key}`, 'data-key': row.key, 'aria-label': w.t('settings.resetName', { setting: words.label }) }, w.t('settings.reset'))
    : null;
  reset?.addEventListener('click', () => void api.resetSetting(row.key).then(() => refresh(page)));
  return h('tr', { class: row.locked ? 'locked' : '', 'data-key': row.key, 'data-source': row.source, 'data-locked': String(row.locked) },
    h('td', {}, h('label', { for: `setting-${row.key}` }, words.label), h('div', { class: 'desc', id: `desc-${row.key}` }, words.description)),
    h('td', {}, ui.control, ui.hint ?? null, ui.extra ?? null, ...hotkeyState(row.key, page.hotkeys, w), err),
    h('td', {}, h('span', { class: `badge ${row.source}` }, w.t(`source.${row.source}`))),
    h('td', {}, lockText ? h('span', { class: 'lock' }, lockText) : reset),
  );
}

/** Put the focus back after rows were redrawn: the same control, else the setting's own control. */
function keepFocus(before: Element | null): void {
  if (!before || before === document.body || document.activeElement === before) return;
  const id = before.id;
  const key = (before.closest('tr[data-key]') as HTMLElement | null)?.dataset.key;
  const again = (id && document.getElementById(id)) || (key && document.getElementById(`setting-${key}`)) || null;
  if (again instanceof HTMLElement && !(again as HTMLInputElement).disabled) again.focus();
}

async function refresh(page: SettingsPage): Promise<void> {
  const { api, w, root } = page;
  const [{ rows, warnings }, hotkeys] = await Promise.all([api.getSettings(), api.hotkeyStatus().catch(() => undefined)]);
  page.hotkeys = hotkeys;
  const focused = document.activeElement;
  if (!page.tbody) {
    page.tbody = h('tbody');
    page.warnings = h('ul', { class: 'warnings', id: 'warnings', hidden: true });
    page.notice = h('p', { class: 'notice', id: 'hotkey-notice', role: 'note', hidden: true });
    root.replaceChildren(
      ...(api.demo ? [demoBanner(w)] : []),
      h('main', { class: 'card wide' },
        h('h1', {}, w.t('settings.heading')),
        h('p', { class: 'lead' }, w.t('settings.lead')),
        page.warnings,
        page.notice,
        tools(api, w),
        h('table', { class: 'settings', 'aria-label': w.t('settings.settingsTable') },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, w.t('settings.colSetting')), h('th', { scope: 'col' }, w.t('settings.colValue')), h('th', { scope: 'col' }, w.t('settings.colSource')), h('th', { scope: 'col' }, w.t('settings.colLock')))),
          page.tbody),
        aboutSection(api, w)),
    );
  }
  page.warnings!.replaceChildren(...warnings.map((x) => h('li', {}, x)));
  page.warnings!.hidden = warnings.length === 0;
  page.notice!.textContent = hotkeys?.notice ?? '';
  page.notice!.hidden = !hotkeys?.notice;
  const seen = new Set<string>();
  let prev: Element | null = null;
  for (const row of rows) {
    seen.add(row.key);
    const f = HOTKEY_OF[row.key];
    const sig = JSON.stringify([row.value, row.source, row.locked, row.lockedBy ?? '', f && hotkeys ? hotkeys.functions[f] : null]);
    let el = page.tbody.querySelector<HTMLTableRowElement>(`tr[data-key="${CSS.escape(row.key)}"]`);
    if (!el || page.drawn.get(row.key) !== sig) {
      const fresh = rowElement(page, row);
      if (el) el.replaceWith(fresh);
      else if (prev) prev.after(fresh);
      else page.tbody.prepend(fresh);
      el = fresh;
      page.drawn.set(row.key, sig);
    }
    prev = el;
  }
  for (const tr of Array.from(page.tbody.querySelectorAll<HTMLElement>('tr[data-key]'))) {
    if (!seen.has(tr.dataset.key ?? '')) {
      page.drawn.delete(tr.dataset.key ?? '');
      tr.remove();
    }
  }
  keepFocus(focused);
  document.body.dataset.ready = 'true';
}

/** Collect logs (zip of traces + settings, with progress) and open the trace folder. */
function tools(api: LauncherPagesApi, w: Translator): HTMLElement {
  const out = h('span', { id: 'logs-result', class: 'hint', 'aria-live': 'polite' });
  const bar = h('progress', { id: 'logs-progress', max: '1', hidden: true, 'aria-label': w.t('logs.collecting') });
  const collect = h('button', { id: 'collect-logs', type: 'button' }, w.t('logs.collect'));
  const folder = h('button', { id: 'open-trace-folder', type: 'button' }, w.t('logs.openFolder'));
  collect.addEventListener('click', () => {
    collect.disabled = true;
    out.className = 'hint';
    out.textContent = w.t('logs.collecting');
    bar.removeAttribute('value');
    bar.hidden = false;
    void api.collectLogs((p) => {
      const fraction = p.total > 0 ? p.done / p.total : 0;
      bar.value = fraction;
      out.textContent = w.t('logs.progress', { percent: w.percent(fraction), done: w.bytes(p.done), total: w.bytes(p.total) });
    }).then(
      (path) => (out.textContent = w.t('logs.saved', { path })),
      (err: unknown) => {
        out.className = 'hint error';
        out.textContent = w.t('logs.failed', { error: String((err as Error)?.message ?? err) });
      },
    ).finally(() => {
      collect.disabled = false;
      bar.hidden = true;
      collect.focus();
    });
  });
  folder.addEventListener('click', () => void api.openTraceFolder().catch(() => undefined));
  return h('div', { class: 'tools' }, collect, folder, bar, out);
}

const root = document.getElementById('root')!;
try {
  const api = getLauncherApi();
  void pageWords(api, 'settings.docTitle').then((w) => {
    const page: SettingsPage = { root, api, w, drawn: new Map() };
    api.onSettingsChanged(() => void refresh(page));
    api.onHotkeysChanged(() => void refresh(page));
    return refresh(page).catch((err: unknown) => fatal(root, err, w));
  });
} catch (err) {
  fatal(root, err);
}
