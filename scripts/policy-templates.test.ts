/**
 * The admin templates in build/policy (docs/admin.md): regenerated and compared (no drift), the
 * ADMX/ADML checked against the PolicyDefinitions schema's shape with an XML parser (namespaces,
 * element order, every string/presentation/category reference resolved, both languages
 * complete), and every template read back by the client's own managed-settings readers.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import plist from '@expo/plist';
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { SETTINGS, coerceSetting, settingForManagedName, type SettingDescriptor, type SettingKey } from '../common/settings/schema';
import { managedByKey, resolveSettings } from '../common/settings/resolve';
import { LinuxManagedSettingsReader } from '../native/linux/managed';
import { MAC_MANAGED_DOMAINS, parsePlist } from '../native/mac/managed';
import { WINDOWS_MANAGED_KEYS, WINDOWS_POLICY_KEY, WindowsManagedSettingsReader } from '../native/win/managed';
import type { ProcessRunner } from '../native/process';
import { LINUX_SAMPLE, NOT_IN_TEMPLATES, exampleValue, generatePolicyFiles, policySettings, registryValue } from './policy';
import { PD_NS } from './policy/admx';
import { BUNDLE_ID, TEAM_ID_PLACEHOLDER } from './policy/apple';
import { drift, POLICY_DIR } from './policy-templates';

const root = path.resolve(__dirname, '..');
const read = (rel: string) => readFileSync(path.join(POLICY_DIR, rel), 'utf8');
const policies = policySettings();

function parseXml(text: string): Document {
  const errors: string[] = [];
  const doc = new DOMParser({
    errorHandler: { warning: (m: string) => errors.push(m), error: (m: string) => errors.push(m), fatalError: (m: string) => errors.push(m) },
  }).parseFromString(text, 'text/xml') as unknown as Document;
  if (errors.length) throw new Error(`XML errors: ${errors.join('; ')}`);
  return doc;
}
const kids = (e: Element | Document): Element[] => Array.from((e as Element).childNodes).filter((n): n is Element => n.nodeType === 1);
const child = (e: Element, name: string) => kids(e).find((k) => k.localName === name);
const all = (e: Element | Document, name: string): Element[] => Array.from((e as Document).getElementsByTagNameNS(PD_NS, name));

/** Children follow `order` (each name at most once unless repeatable); `required` ones present. */
function expectSequence(e: Element, order: string[], required: string[] = [], repeatable: string[] = []): void {
  let last = -1;
  const seen = new Set<string>();
  for (const k of kids(e)) {
    const i = order.indexOf(k.localName!);
    expect(i, `<${k.localName}> is not allowed in <${e.localName}>`).toBeGreaterThanOrEqual(0);
    expect(i, `<${k.localName}> out of order in <${e.localName}>`).toBeGreaterThanOrEqual(last);
    if (seen.has(k.localName!)) expect(repeatable, `<${k.localName}> repeated in <${e.localName}>`).toContain(k.localName);
    seen.add(k.localName!);
    last = i;
  }
  for (const r of required) expect(seen.has(r), `<${e.localName}> lacks <${r}>`).toBe(true);
}

function expectAllInNamespace(doc: Document): void {
  const walk = (e: Element) => {
    expect(e.namespaceURI, `<${e.tagName}>`).toBe(PD_NS);
    kids(e).forEach(walk);
  };
  walk(doc.documentElement);
}

const stringRef = (v: string | null) => /^\$\(string\.([A-Za-z0-9_.-]+)\)$/.exec(v ?? '')?.[1];
const presentationRef = (v: string | null) => /^\$\(presentation\.([A-Za-z0-9_.-]+)\)$/.exec(v ?? '')?.[1];

describe('build/policy (npm run policy-templates)', () => {
  it('is exactly what the generator writes today (no drift, no stray files)', async () => {
    expect(await drift(), 'run `npm run policy-templates` and commit build/policy').toEqual([]);
  });

  it('offers every setting of the schema, except the listed ones with a reason', () => {
    for (const s of SETTINGS as readonly SettingDescriptor[]) {
      const inTemplates = policies.some((p) => p.key === s.key);
      expect(inTemplates !== Object.hasOwn(NOT_IN_TEMPLATES, s.key), s.key).toBe(true);
    }
    // Each example validates (it appears in the explain texts and in every sample).
    for (const p of policies) for (const os of ['win', 'mac', 'linux'] as const) expect(coerceSetting(p.key, exampleValue(p.key, os)).ok, `${p.key} ${os}`).toBe(true);
  });
});

describe('ADMX and ADML (Group Policy)', () => {
  const admx = parseXml(read('windows/myApps.admx'));
  const admls = { 'en-US': parseXml(read('windows/en-US/myApps.adml')), 'de-DE': parseXml(read('windows/de-DE/myApps.adml')) };

  it('has the PolicyDefinitions shape: namespace, element order, required attributes', () => {
    expectAllInNamespace(admx);
    const rootEl = admx.documentElement;
    expect(rootEl.localName).toBe('policyDefinitions');
    expect(rootEl.getAttribute('revision')).toMatch(/^\d+\.\d+$/);
    expect(rootEl.getAttribute('schemaVersion')).toBe('1.0');
    expectSequence(rootEl, ['policyNamespaces', 'supersededAdm', 'resources', 'supportedOn', 'categories', 'policies'], ['policyNamespaces', 'resources'], ['supersededAdm']);
    expectSequence(child(rootEl, 'policyNamespaces')!, ['target', 'using'], ['target'], ['using']);
    const target = child(child(rootEl, 'policyNamespaces')!, 'target')!;
    expect(target.getAttribute('prefix')).toMatch(/^\w+$/);
    expect(target.getAttribute('namespace')).toMatch(/^[A-Za-z][\w.]+$/);
    expect(child(rootEl, 'resources')!.getAttribute('minRequiredRevision')).toMatch(/^\d+\.\d+$/);
    for (const c of all(admx, 'category')) expectSequence(c, ['annotation', 'parentCategory', 'seeAlso', 'keywords'], [], ['annotation', 'seeAlso']);
    for (const p of all(admx, 'policy')) {
      expectSequence(p, ['annotation', 'parentCategory', 'seeAlso', 'keywords', 'supportedOn', 'enabledValue', 'disabledValue', 'enabledList', 'disabledList', 'elements'], ['supportedOn'], ['annotation', 'seeAlso']);
      expect(p.getAttribute('name')).toMatch(/^[A-Za-z][\w]*$/);
      expect(['User', 'Machine', 'Both']).toContain(p.getAttribute('class'));
      expect(stringRef(p.getAttribute('displayName'))).toBeDefined();
      expect(stringRef(p.getAttribute('explainText'))).toBeDefined();
      expect(p.getAttribute('key')).toBeTruthy();
      const els = child(p, 'elements');
      for (const e of els ? kids(els) : []) {
        expect(['boolean', 'decimal', 'text', 'enum', 'list', 'longDecimal', 'multiText']).toContain(e.localName);
        expect(e.getAttribute('id')).toBeTruthy();
        if (e.localName === 'enum') for (const item of kids(e)) expectSequence(item, ['value', 'valueList'], ['value']);
      }
      // A policy with elements has a presentation; one without has none.
      expect(presentationRef(p.getAttribute('presentation')) !== undefined).toBe(!!els);
    }
  });

  it('resolves every string, presentation, category and supportedOn reference in both languages', () => {
    const names = (doc: Document, tag: string, attr: string) => all(doc, tag).map((e) => e.getAttribute(attr)!);
    const categories = new Set(names(admx, 'category', 'name'));
    const supported = new Set(names(admx, 'definition', 'name'));
    for (const ref of all(admx, 'parentCategory')) expect(categories).toContain(ref.getAttribute('ref'));
    for (const p of all(admx, 'policy')) expect(supported).toContain(child(p, 'supportedOn')!.getAttribute('ref'));
    const usedStrings = new Set<string>();
    const usedPresentations = new Map<string, Element>();
    const walk = (e: Element) => {
      for (const a of Array.from(e.attributes)) {
        const s = stringRef(a.value);
        if (s) usedStrings.add(s);
        const pr = presentationRef(a.value);
        if (pr) usedPresentations.set(pr, e);
      }
      kids(e).forEach(walk);
    };
    walk(admx.documentElement);
    let ids: string[] | undefined;
    for (const [lang, doc] of Object.entries(admls)) {
      expectAllInNamespace(doc);
      const r = doc.documentElement;
      expect(r.localName, lang).toBe('policyDefinitionResources');
      expectSequence(r, ['displayName', 'description', 'annotation', 'resources'], ['displayName', 'description', 'resources'], ['annotation']);
      expectSequence(child(r, 'resources')!, ['stringTable', 'presentationTable']);
      const strings = all(doc, 'string').map((s) => s.getAttribute('id')!);
      expect(new Set(strings).size, `${lang}: duplicate string ids`).toBe(strings.length);
      expect(new Set(strings), `${lang}: strings used by the ADMX, and no others`).toEqual(usedStrings);
      for (const s of all(doc, 'string')) expect(s.textContent!.trim(), `${lang} ${s.getAttribute('id')}`).not.toBe('');
      if (ids) expect(strings).toEqual(ids);
      ids = strings;
      const presentations = new Map(all(doc, 'presentation').map((p) => [p.getAttribute('id')!, p]));
      expect(new Set(presentations.keys())).toEqual(new Set(usedPresentations.keys()));
      for (const [id, policy] of usedPresentations) {
        const elements = kids(child(policy, 'elements')!);
        const controls = kids(presentations.get(id)!);
        const control = { text: 'textBox', decimal: 'decimalTextBox', enum: 'dropdownList', boolean: 'checkBox', multiText: 'multiTextBox', longDecimal: 'longDecimalTextBox', list: 'listBox' } as Record<string, string>;
        expect(controls.map((c) => [c.localName, c.getAttribute('refId')])).toEqual(elements.map((e) => [control[e.localName!], e.getAttribute('id')]));
        for (const c of controls) if (c.localName === 'textBox') expectSequence(c, ['label', 'defaultValue'], ['label']);
        for (const c of controls) expect(c.textContent!.trim(), `${lang} label of ${id}`).not.toBe('');
      }
    }
  });

  it('is real German in de-DE: every title differs from English except shared words, every help text differs', () => {
    const text = (doc: Document) => new Map(all(doc, 'string').map((s) => [s.getAttribute('id')!, s.textContent!]));
    const en = text(admls['en-US']);
    const de = text(admls['de-DE']);
    const shared = new Set(['innovaphone', 'myApps', 'server', 'autostart', 'updatePolicy']);
    for (const [id, t] of en) if (!shared.has(id)) expect(de.get(id), id).not.toBe(t);
    expect(de.get('hotkeyDial')).toBe('Tastenkürzel: markierte Nummer wählen');
  });

  it('covers every setting with the registry value the client reads, of the type it parses', () => {
    expect(policies.length).toBeGreaterThan(20);
    const byName = new Map(all(admx, 'policy').map((p) => [p.getAttribute('name')!, p]));
    expect([...byName.keys()].sort()).toEqual(policies.map((p) => p.key).sort());
    for (const p of policies) {
      const el = byName.get(p.key)!;
      // Where Group Policy writes (Computer: HKLM, User: HKCU) is where the reader looks.
      expect(el.getAttribute('key')).toBe(WINDOWS_POLICY_KEY);
      expect(el.getAttribute('class')).toBe('Both');
      for (const hive of ['HKLM', 'HKCU']) expect(WINDOWS_MANAGED_KEYS.map((k) => k.toLowerCase())).toContain(`${hive}\\${WINDOWS_POLICY_KEY}`.toLowerCase());
      const element = child(el, 'elements') ? kids(child(el, 'elements')!)[0]! : undefined;
      const valueName = element ? element.getAttribute('valueName') : el.getAttribute('valueName');
      expect(settingForManagedName(valueName!), p.key).toBe(p.key);
      switch (p.dsc.kind) {
        case 'boolean':
          expect(element).toBeUndefined();
          expect(child(child(el, 'enabledValue')!, 'decimal')!.getAttribute('value')).toBe('1');
          expect(child(child(el, 'disabledValue')!, 'decimal')!.getAttribute('value')).toBe('0');
          break;
        case 'integer':
          expect(element!.localName).toBe('decimal'); // REG_DWORD
          expect(Number(element!.getAttribute('minValue'))).toBe(p.dsc.min);
          expect(Number(element!.getAttribute('maxValue'))).toBe(p.dsc.max);
          expect(p.dsc.max!).toBeLessThanOrEqual(0xffffffff);
          break;
        case 'enum':
          expect(element!.localName).toBe('enum');
          expect(kids(element!).map((i) => child(child(i, 'value')!, 'string')!.textContent)).toEqual([...p.dsc.options!]);
          break;
        default:
          expect(element!.localName).toBe('text'); // REG_SZ
      }
    }
  });

  /** What Group Policy writes for the ADMX, as `reg query` prints it. */
  function regQueryOutput(mode: 'enabled' | 'disabled'): string {
    const lines = [`HKEY_LOCAL_MACHINE\\${WINDOWS_POLICY_KEY}`];
    for (const el of all(admx, 'policy')) {
      const p = policies.find((x) => x.key === el.getAttribute('name'))!;
      const element = child(el, 'elements') ? kids(child(el, 'elements')!)[0]! : undefined;
      if (!element) {
        const v = child(child(el, mode === 'enabled' ? 'enabledValue' : 'disabledValue')!, 'decimal')!.getAttribute('value');
        lines.push(`    ${el.getAttribute('valueName')}    REG_DWORD    0x${Number(v).toString(16)}`);
        continue;
      }
      const v = registryValue(p, exampleValue(p.key, 'win'));
      if (element.localName === 'decimal') {
        expect(v).toBeGreaterThanOrEqual(Number(element.getAttribute('minValue')));
        expect(v).toBeLessThanOrEqual(Number(element.getAttribute('maxValue')));
        lines.push(`    ${element.getAttribute('valueName')}    REG_DWORD    0x${(v as number).toString(16)}`);
      } else {
        if (element.localName === 'enum') expect(kids(element).map((i) => i.textContent!.trim())).toContain(v);
        if (element.localName === 'text') expect(String(v).length).toBeLessThanOrEqual(Number(element.getAttribute('maxLength') || 1023));
        lines.push(`    ${element.getAttribute('valueName')}    REG_SZ    ${v}`);
      }
    }
    return `\r\n${lines.join('\r\n')}\r\n\r\n`;
  }

  async function readAsClient(output: string) {
    const runner: ProcessRunner = async (_file, args) =>
      args[1] === `HKLM\\${WINDOWS_POLICY_KEY}`
        ? { code: 0, stdout: output, stderr: '' }
        : { code: 1, stdout: '', stderr: 'ERROR: The system was unable to find the specified registry key or value.' };
    const r = await new WindowsManagedSettingsReader(runner).read();
    expect(r.warnings).toEqual([]);
    const warnings: string[] = [];
    const res = resolveSettings({ managed: managedByKey(r.values, warnings), pbx: {}, user: {} });
    expect([...warnings, ...res.warnings]).toEqual([]);
    return res.settings;
  }

  it('writes values that the Windows reader (reg query) turns into exactly the intended settings', async () => {
    const s = await readAsClient(regQueryOutput('enabled'));
    for (const p of policies) {
      const want = p.dsc.kind === 'boolean' ? true : (coerceSetting(p.key, exampleValue(p.key, 'win')) as { value: unknown }).value;
      expect(s[p.key], p.key).toMatchObject({ source: 'managed', value: want, locked: p.locked });
    }
    const off = await readAsClient(regQueryOutput('disabled'));
    for (const p of policies.filter((x) => x.dsc.kind === 'boolean')) expect(off[p.key], p.key).toMatchObject({ source: 'managed', value: false });
  });
});

describe('macOS profiles', () => {
  const yaml = createRequire(import.meta.url)('js-yaml') as { load(s: string): { appId: string; mac: { extendInfo: Record<string, string> } } };
  const builder = yaml.load(readFileSync(path.join(root, 'build', 'electron-builder.yml'), 'utf8'));

  /** Parsed with @expo/plist and with the client's own plist parser; both must agree. */
  function parseProfile(rel: string): Record<string, any> {
    const text = read(rel);
    const a = plist.parse(text) as Record<string, any>;
    expect(JSON.parse(JSON.stringify(parsePlist(text)))).toEqual(JSON.parse(JSON.stringify(a)));
    expect(a.PayloadType).toBe('Configuration');
    expect(a.PayloadVersion).toBe(1);
    const uuids = [a.PayloadUUID, ...a.PayloadContent.map((p: any) => p.PayloadUUID)];
    for (const u of uuids) expect(u).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(new Set(uuids).size).toBe(uuids.length);
    for (const p of a.PayloadContent) {
      expect(p.PayloadIdentifier.startsWith(`${a.PayloadIdentifier}.`)).toBe(true);
      expect(p.PayloadVersion).toBe(1);
    }
    return a;
  }

  it('the settings profile manages the domain the client reads, with values that resolve cleanly', () => {
    expect(BUNDLE_ID).toBe(builder.appId);
    expect(BUNDLE_ID).toBe(MAC_MANAGED_DOMAINS[0]);
    const prof = parseProfile('macos/com.innovaphone.myapps.mobileconfig');
    expect(prof.PayloadContent).toHaveLength(1);
    const payload = prof.PayloadContent[0];
    expect(payload.PayloadType).toBe('com.apple.ManagedClient.preferences');
    expect(Object.keys(payload.PayloadContent)).toEqual([BUNDLE_ID]);
    const forced = payload.PayloadContent[BUNDLE_ID].Forced;
    expect(forced).toHaveLength(1);
    const prefs = forced[0].mcx_preference_settings as Record<string, unknown>;
    expect(Object.keys(prefs)).toEqual(policies.map((p) => p.key));
    const warnings: string[] = [];
    const res = resolveSettings({ managed: managedByKey(prefs, warnings), pbx: {}, user: {} });
    expect([...warnings, ...res.warnings]).toEqual([]);
    for (const p of policies) expect(res.settings[p.key], p.key).toMatchObject({ source: 'managed', value: (coerceSetting(p.key, exampleValue(p.key, 'mac')) as { value: unknown }).value });
  });

  it('the PPPC profile allows what the dial hot key helper does: Accessibility and Apple Events to System Events', () => {
    const helper = readFileSync(path.join(root, 'native', 'mac', 'send-copy.js'), 'utf8');
    expect(helper).toContain("Application('System Events')");
    expect(helper).toMatch(/keystroke\('c'/);
    expect(builder.mac.extendInfo.NSAppleEventsUsageDescription).toBeTruthy();
    const prof = parseProfile('macos/com.innovaphone.myapps.pppc.mobileconfig');
    const payload = prof.PayloadContent[0];
    expect(payload.PayloadType).toBe('com.apple.TCC.configuration-profile-policy');
    expect(Object.keys(payload.Services).sort()).toEqual(['AppleEvents', 'Accessibility'].sort());
    for (const [service, entries] of Object.entries(payload.Services as Record<string, any[]>)) {
      expect(entries, service).toHaveLength(1);
      const e = entries[0];
      expect(e.Identifier).toBe(builder.appId);
      expect(e.IdentifierType).toBe('bundleID');
      expect(e.Authorization).toBe('Allow');
      expect(e).not.toHaveProperty('Allowed'); // Authorization and Allowed are exclusive
      expect(e.CodeRequirement).toContain(`identifier "${builder.appId}"`);
      expect(e.CodeRequirement).toContain(`certificate leaf[subject.OU] = "${TEAM_ID_PLACEHOLDER}"`);
    }
    const ae = payload.Services.AppleEvents[0];
    expect(ae).toMatchObject({ AEReceiverIdentifier: 'com.apple.systemevents', AEReceiverIdentifierType: 'bundleID' });
    expect(ae.AEReceiverCodeRequirement).toBe('identifier "com.apple.systemevents" and anchor apple');
  });
});

describe('Linux /etc sample', () => {
  it('is read by the Linux reader as-is and every value resolves cleanly', async () => {
    const dir = path.join(POLICY_DIR, path.dirname(LINUX_SAMPLE));
    const r = await new LinuxManagedSettingsReader(dir).read();
    expect(r.warnings).toEqual([]);
    expect(r.origins).toEqual([path.join(POLICY_DIR, LINUX_SAMPLE)]);
    const warnings: string[] = [];
    const res = resolveSettings({ managed: managedByKey(r.values, warnings), pbx: {}, user: {} });
    expect([...warnings, ...res.warnings]).toEqual([]);
    for (const p of policies) expect(res.settings[p.key as SettingKey], p.key).toMatchObject({ source: 'managed' });
  });

  it('matches the generator', () => {
    expect(generatePolicyFiles().get(LINUX_SAMPLE)).toBe(read(LINUX_SAMPLE));
  });
});
