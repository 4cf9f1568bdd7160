/**
 * Advanced settings: every setting with its value, where the value comes from (default,
 * installer/MDM, PBX, PBX forced, user) and whether it is locked. Locked rows are greyed and their
 * controls disabled. Changes are validated here with the same schema as in the main process and
 * saved immediately; "Reset" removes the user's value.
 */
import { coerceSetting, isSettingKey } from '../../electron/settings/schema';
import { getLauncherApi, type HotkeyStatusView, type LauncherPagesApi, type SettingRow } from './api';
import { demoBanner, fatal, h } from './dom';

const SOURCE_LABEL: Record<string, string> = {
  default: 'Default',
  managed: 'Installer / MDM',
  installer: 'Installer / MDM',
  pbx: 'PBX default',
  'pbx-forced': 'PBX (forced)',
  user: 'Your choice',
  'command-line': 'Command line',
};

function control(row: SettingRow, onCommit: (value: unknown) => void): HTMLElement {
  const id = `setting-${row.key}`;
  const disabled = row.locked;
  switch (row.kind) {
    case 'boolean': {
      const el = h('input', { id, type: 'checkbox', disabled });
      el.checked = row.value === true;
      el.addEventListener('change', () => onCommit(el.checked));
      return el;
    }
    case 'enum': {
      const el = h('select', { id, disabled }, ...(row.options ?? []).map((o) => h('option', { value: o }, o)));
      el.value = String(row.value);
      el.addEventListener('change', () => onCommit(el.value));
      return el;
    }
    case 'integer': {
      const el = h('input', { id, type: 'number', disabled });
      el.value = String(row.value);
      el.addEventListener('change', () => onCommit(el.value === '' ? NaN : Number(el.value)));
      return el;
    }
    case 'stringList': {
      const el = h('input', { id, type: 'text', disabled, spellcheck: 'false' });
      el.value = Array.isArray(row.value) ? row.value.join(',') : '';
      el.addEventListener('change', () => onCommit(el.value.split(',').map((s) => s.trim()).filter(Boolean)));
      return el;
    }
    case 'externalApps': {
      const apps = Array.isArray(row.value) ? (row.value as { name: string }[]) : [];
      return h('span', { id }, apps.length ? apps.map((a) => a.name).join(', ') : 'none');
    }
    default: {
      const el = h('input', { id, type: 'text', disabled, spellcheck: 'false' });
      el.value = typeof row.value === 'string' ? row.value : JSON.stringify(row.value);
      el.addEventListener('change', () => onCommit(el.value));
      return el;
    }
  }
}

const HOTKEY_OF: Record<string, keyof HotkeyStatusView['functions']> = { hotkeyDial: 'dial', hotkeyAccept: 'accept', hotkeyReject: 'reject' };

/** Under a hot-key row: registered with the OS, or why not. */
function hotkeyState(key: string, status: HotkeyStatusView | undefined): HTMLElement | null {
  const f = HOTKEY_OF[key];
  const st = f && status ? status.functions[f] : undefined;
  if (!st || !st.configured.trim()) return null;
  return st.active
    ? h('div', { class: 'hotkey-state active', 'data-hotkey': f, 'data-active': 'true' }, `Active: ${st.chord ?? st.configured}`)
    : h('div', { class: 'hotkey-state inactive', 'data-hotkey': f, 'data-active': 'false' }, `Not active: ${st.reason ?? 'not registered'}`);
}

let hotkeys: HotkeyStatusView | undefined;

async function render(root: HTMLElement, api: LauncherPagesApi): Promise<void> {
  const { rows, warnings } = await api.getSettings();
  hotkeys = await api.hotkeyStatus().catch(() => undefined);
  const tbody = h('tbody');
  for (const row of rows) {
    const err = h('div', { class: 'row-error', role: 'alert' });
    const commit = (value: unknown) => {
      err.textContent = '';
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
    const lockText = row.locked ? (row.lockedBy === 'pbx' ? 'Locked: forced by PBX' : row.source === 'default' ? 'Locked: installer option' : 'Locked: set by installer') : '';
    const reset = row.source === 'user' && !row.locked ? h('button', { type: 'button', class: 'reset', 'data-key': row.key }, 'Reset') : null;
    reset?.addEventListener('click', () => void api.resetSetting(row.key).then(() => render(root, api)));
    tbody.append(
      h('tr', { class: row.locked ? 'locked' : '', 'data-key': row.key, 'data-source': row.source, 'data-locked': String(row.locked) },
        h('td', {}, h('label', { for: `setting-${row.key}` }, row.label), h('div', { class: 'desc' }, row.description)),
        h('td', {}, control(row, commit), hotkeyState(row.key, hotkeys), err),
        h('td', {}, h('span', { class: `badge ${row.source}` }, SOURCE_LABEL[row.source] ?? row.source)),
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
