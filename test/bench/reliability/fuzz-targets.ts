/**
 * What `reliability.fuzz_cases` feeds with hostile input: the product's own parsers and
 * validators, in-process, each on the path its input takes in the client (docs/security.md).
 * Inputs come from fast-check: mutations of valid seeds (published frames, fixtures, documented
 * examples), values swapped in at random places of valid JSON, deep nesting, and random text.
 *
 * A case *crashes* when the target throws where it promises not to (the bus, the link service,
 * the settings store, the validators' safeParse, the vCard parser, the server-string and log-flag
 * parsers answer bad input with a result, never a throw), or, for functions that refuse by
 * throwing (update manifests, Signal channels <-> SDP), when what they throw is a native
 * TypeError/RangeError/… (a bug surfacing) instead of their own Error with a message; and when
 * the bus traces an internal error.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { WebSocket } from 'ws';
import { Api } from '../../../common/bus';
import { parseServerString } from '../../../common/server-string';
import { tryParseLogFlags } from '../../../common/log-flags';
import { parseLauncherArgv } from '../../../electron/security/argv';
import { normaliseLogFlags, defaultValues } from '../../../common/settings/schema';
import { MediaAppMessageSchema, RingerAppMessageSchema, type ChannelKind } from '../../../common/media';
import { ApiRouter } from '../../../electron/bus';
import { defaultReservedNamePolicy } from '../../../electron/bus/router';
import { attachBusClient, FrameTracer, BUS_SEND_BUDGET_BYTES } from '../../../electron/bus/bus-client';
import { RefusalLog } from '../../../electron/bus/refusals';
import { LinkService } from '../../../electron/links';
import { SettingsStore } from '../../../electron/settings';
import { generateUpdateKeyPair, selectUpdate, signEntry, verifyEntrySignature, type SignedEntry } from '../../../electron/update/manifest';
import { parseVCards } from '../../../electron/phonebook/vcard';
import { channelsToSdp, sdpToChannels } from '../../../renderer/media/channels';
import type { Logger } from '../../../electron/platform';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const PBX = 'https://pbx.example.com';

export interface FuzzTarget {
  /** Inputs of this target (text, or bytes for vCards). */
  arbitrary: fc.Arbitrary<string | Uint8Array>;
  /** Runs one case; throws what the target threw. */
  run(input: string | Uint8Array): void | Promise<void>;
  /** Whether a thrown value is a crash (else it is the target's documented refusal). */
  crash(err: unknown): boolean;
  /** Internal errors the target reported without throwing since the last call (bus). */
  reported?(): string[];
  close?(): void;
}

/** Native error classes: thrown by a refusing function, they are a bug, not its refusal. */
function nativeError(err: unknown): boolean {
  return !(err instanceof Error) || err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError || err instanceof URIError || err instanceof EvalError;
}
const anyThrow = (): boolean => true;

// ---- generic generators -------------------------------------------------------------------

/** Pieces that break parsers: JSON and vCard punctuation, escapes, bidi and control characters. */
const TOKENS = [
  '{', '}', '[', ']', '"', ':', ',', '\\', '\\u0000', '\\ud800', '\u0000', '\u202e', '\u2028', '\ufeff', '\r\n', '\n ', ' ', '%', '%00', '%3D', '..', '/', '//',
  '@', '-', '--', '\u2013', '+', '0x', '0', '1e999', '-0', 'null', 'true', '[]', '{}', '""', ';', '=', '=\r\n', 'BEGIN:VCARD', 'END:VCARD', 'CHARSET=',
  'ENCODING=QUOTED-PRINTABLE:', '\u00e4', '\ud83d\ude00', 'tel:', 'sip:', '::', '[::1]', '127.0.0.1', '0x7f.1', '010.0.0.1', ':65536', '__proto__', 'constructor',
  'a=', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', '\r\na=candidate:', 'a=fingerprint:sha-256 ', 'a=ice-ufrag:', 'a=rtpmap:111 opus/48000/2',
];

type Edit = { op: 0 | 1 | 2 | 3 | 4; at: number; len: number; text: string; times: number };

const editArb: fc.Arbitrary<Edit> = fc.record({
  op: fc.constantFrom<Edit['op']>(0, 1, 2, 3, 4),
  at: fc.nat(),
  len: fc.nat({ max: 64 }),
  text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 12, unit: 'binary' }), fc.string({ maxLength: 4, unit: 'grapheme' })),
  times: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 2, max: 20 }) }, { weight: 1, arbitrary: fc.integer({ min: 20, max: 2000 }) }),
});

function applyEdits(seed: string, edits: Edit[]): string {
  let s = seed;
  for (const e of edits) {
    const at = s.length ? e.at % (s.length + 1) : 0;
    switch (e.op) {
      case 0: s = s.slice(0, at) + e.text + s.slice(at); break; // insert
      case 1: s = s.slice(0, at) + s.slice(at + e.len); break; // delete
      case 2: s = s.slice(0, at) + e.text + s.slice(at + e.text.length); break; // overwrite
      case 3: s = s.slice(0, at) + s.slice(at, at + e.len).repeat(e.times) + s.slice(at + e.len); break; // repeat a piece
      case 4: s = s.slice(0, at); break; // cut
    }
  }
  return s;
}

/** A seed text with a few edits. */
export function mutatedText(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...seeds), fc.array(editArb, { minLength: 1, maxLength: 6 })).map(([s, e]) => applyEdits(s, e));
}

/** Very deep nesting of arrays or objects (2^5 … 2^17 levels), alone or in place of a seed's value. */
const deepArb: fc.Arbitrary<string> = fc.tuple(fc.integer({ min: 5, max: 17 }).map((e) => 2 ** e), fc.boolean()).map(([n, obj]) =>
  obj ? '{"a":'.repeat(n - 1) + '{}' + '}'.repeat(n - 1) : '['.repeat(n) + ']'.repeat(n),
);

/** Every path (keys) of a JSON value, the root included. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = [], depth = 0): (string | number)[][] {
  out.push(at);
  if (depth < 12 && v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) paths(x, [...at, Array.isArray(v) ? Number(k) : k], out, depth + 1);
  }
  return out;
}

/** A seed JSON value with one place swapped for another value (any JSON, a deep one, a huge string…). */
export function mutatedJson(seeds: readonly unknown[]): fc.Arbitrary<string> {
  const replacement = fc.oneof(
    { weight: 12, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: deepArb },
    { weight: 1, arbitrary: fc.constantFrom('1e308', '-1', '4294967296', '9007199254740993', '0.5', '""', '"' + 'x'.repeat(70_000) + '"', '{"__proto__":{"x":1}}', '[' + '0,'.repeat(10_000) + '0]') },
    { weight: 6, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }).map((s) => JSON.stringify(s)) },
    { weight: 3, arbitrary: fc.constant('__DELETE__') },
  );
  return fc.tuple(fc.constantFrom(...seeds), fc.nat(), replacement).map(([seed, pick, rep]) => {
    const all = paths(seed);
    const where = all[pick % all.length]!;
    if (where.length === 0) return rep === '__DELETE__' ? '' : rep;
    const MARK = '"__FUZZ_MARK__"';
    const copy = JSON.parse(JSON.stringify(seed)) as Record<string | number, unknown>;
    let parent: Record<string | number, unknown> = copy;
    for (const k of where.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const last = where[where.length - 1]!;
    if (rep === '__DELETE__') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      return JSON.stringify(copy);
    }
    parent[last] = '__FUZZ_MARK__';
    return JSON.stringify(copy).replace(MARK, rep);
  });
}

/** The usual mix for a text target: mutated seeds, mutated JSON (when given), deep nesting, random text. */
function textMix(seedTexts: readonly string[], seedValues?: readonly unknown[]): fc.Arbitrary<string> {
  const parts: { weight: number; arbitrary: fc.Arbitrary<string> }[] = [
    { weight: 5, arbitrary: mutatedText(seedTexts) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }) },
    { weight: 1, arbitrary: fc.constantFrom(...seedTexts) },
  ];
  if (seedValues?.length) {
    parts.push({ weight: 6, arbitrary: mutatedJson(seedValues) }, { weight: 1, arbitrary: fc.oneof({ weight: 1, arbitrary: deepArb }, { weight: 4, arbitrary: fc.json({ maxDepth: 4 }) }) });
  }
  return fc.oneof(...parts);
}

/** A logger that counts errors (internal failures) and drops the rest. */
function countingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, trace() {}, warn() {}, error(m, d) { errors.push(`${m} ${d ? JSON.stringify(d).slice(0, 300) : ''}`); }, enabled: () => true };
}

// ---- targets ------------------------------------------------------------------------------

/** Bus frames: the bus client's receive path (parse, validate, route, answer) on a real router. */
function busFrames(): FuzzTarget {
  const published = readFileSync(path.join(ROOT, 'test/fixtures/published/relay-frames.txt'), 'utf8').split('\n').filter((l) => l.startsWith('{'));
  const own = [
    { mt: 'RegisterApi', api: Api.phone, provider: 'phone', title: 'Phone', info: {}, model: { calls: [] } },
    { mt: 'RegisterApi', api: Api.client, model: { user: { sip: 'alice' }, adminSettings: {} } },
    { mt: 'ApiModel', api: Api.phone, provider: 'phone', model: { calls: [{ id: 1 }] } },
    { mt: 'ConsumeApi', api: Api.launcher },
    { mt: 'UnconsumeApi', api: Api.launcher },
    { mt: 'UnregisterApi', api: Api.phone, provider: 'phone' },
    { mt: 'ApiRequest', apiId: Api.search, consumer: 'dev:SwPh_zkl_5e42e884', provider: '*', src: 's1', msg: { mt: 'Search', text: 'al' } },
    { mt: 'ApiResult', api: Api.phone, provider: 'phone', consumer: '@local-x', client: '@client-y', src: 's', msg: { mt: 'StartCallResult' } },
    { mt: 'ApiConsumerClosed', consumer: 'dev:SwPh_zkl_5e42e884' },
  ];
  const seedValues = [...published.map((l) => JSON.parse(l) as unknown), ...own];
  const logger = countingLogger();
  const router = new ApiRouter(logger, defaultReservedNamePolicy(() => PBX));
  // In-process providers and consumers as the product has them.
  const mod = router.localModule('Local contacts');
  for (const api of [Api.search, Api.phoneLookup, Api.launcher]) mod.provide(api, (req, p) => p.send(req, { mt: `${String(req.msg.mt)}Result` }), { model: { ok: true } });
  const links = router.localModule('Links');
  for (const api of [Api.phone, Api.client]) links.consume(api).onUpdate((p) => void Object.keys(p));
  const tracer = new FrameTracer(logger);
  const refusals = new RefusalLog(logger);
  class FakeSocket extends EventEmitter {
    readonly OPEN = 1;
    readyState = 1;
    bufferedAmount = 0;
    send(): void {}
    terminate(): void {
      this.readyState = 3;
      this.emit('close', 1006);
    }
  }
  let ws = new FakeSocket();
  let n = 0;
  const attach = (): void => attachBusClient(ws as unknown as WebSocket, PBX, 'fuzz', { router, logger, tracer, refusals, sendBudget: BUS_SEND_BUDGET_BYTES });
  attach();
  return {
    arbitrary: textMix(published.concat(own.map((o) => JSON.stringify(o))), seedValues),
    run(input) {
      // A fresh connection now and then: detach and its ApiConsumerClosed run too.
      if (++n % 200 === 0) {
        ws.terminate();
        ws = new FakeSocket();
        attach();
      }
      ws.emit('message', Buffer.from(input as string), n % 97 === 0);
    },
    crash: anyThrow,
    reported() {
      return logger.errors.splice(0);
    },
    close() {
      refusals.flush();
    },
  };
}

/** Server strings: what the user types in the connect form (or MSI SERVER presets). */
function serverStrings(): FuzzTarget {
  const seeds = ['pbx.example.com', 'https://pbx.example.com', 'https://pbx.example.com:444/PBX0/APPCLIENT/', 'http://10.0.0.5:8080', '[2001:db8::1]:443', '192.168.0.1', 'pbx.example.com/PBX0/APPS/', 'https://user@pbx.example.com/', 'PBX.Example.COM.', 'xn--bcher-kva.example'];
  return {
    arbitrary: textMix(seeds),
    run(input) {
      parseServerString(input);
    },
    crash: anyThrow,
  };
}

/** Links: argv and single-instance handoff through the link service to the phone and chat apps. */
function links(): FuzzTarget {
  const router = new ApiRouter(countingLogger());
  const phone = router.provide(Api.phone, 'phone', () => {});
  const chat = router.provide(Api.chat, 'chat', () => {});
  const svc = new LinkService({ router, logger: countingLogger() });
  const seeds = ['tel:+49 7031 1234-5', 'tel:0049%207031', 'callto:4711', 'sip:alice@example.com', 'sips:bob@example.com;transport=tls', 'im:carol@example.com', 'sip:alice:secret@example.com', 'tel:--inspect', 'TEL:+1-900-555-0100', 'sip:%61lice@example.com?subject=x'];
  let n = 0;
  return {
    arbitrary: textMix(seeds),
    run(input) {
      const s = input as string;
      if (++n % 2 === 0) svc.handleArgv(['myApps', '--', s]);
      else svc.handleArgv(['myApps', s, '--log-flags=0x1']);
    },
    crash: anyThrow,
    close() {
      svc.close();
      phone.close();
      chat.close();
    },
  };
}

/** Log flags: `--log-flags` on the command line and the settings value. */
function logFlags(): FuzzTarget {
  const seeds = ['0x856000001', '0x8 5600 0001', '856_000_001', '0X0', '', 'ffffffffffffffff', '0x00000000000000000001', '12345678'];
  return {
    arbitrary: textMix(seeds),
    run(input) {
      const s = input as string;
      tryParseLogFlags(s);
      normaliseLogFlags(s);
      parseLauncherArgv([`--log-flags=${s}`, '--log-flags', s, `--log-size=${s}`]);
    },
    crash: anyThrow,
  };
}

/** Settings files: settings.json as the store opens it at start (corrupt files are set aside). */
function settingsFiles(): FuzzTarget {
  const dir = path.join(os.tmpdir(), `myapps-fuzz-settings-${process.pid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const values = defaultValues() as unknown as Record<string, unknown>;
  const seedValues = [{ version: 1, values }, { version: 1, values: { server: 'pbx.example.com', logFlags: '0x856000001', hotkeyDial: 'Ctrl+Shift+D' } }, { version: 1, values: {} }];
  const logger = countingLogger();
  return {
    arbitrary: textMix(seedValues.map((v) => JSON.stringify(v, null, 2)), seedValues),
    async run(input) {
      for (const f of readdirSync(dir)) rmSync(path.join(dir, f), { force: true });
      writeFileSync(path.join(dir, 'settings.json'), input);
      const store = await SettingsStore.open({ userData: dir, logger });
      store.view();
    },
    crash: anyThrow,
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Update manifests: software.json as fetched from the App Store, selected and verified. */
function updateManifests(): FuzzTarget {
  const key = generateUpdateKeyPair('fuzz-key');
  const entry: SignedEntry = { software: 'myapps-desktop', folder: 'myapps', build: '100', os: 'linux', arch: 'x64', kind: 'appimage', name: 'myApps-100.AppImage', size: 1234, sha256: 'a'.repeat(64) };
  const file = { os: entry.os, arch: entry.arch, kind: entry.kind, name: entry.name, size: entry.size, sha256: entry.sha256, keyId: key.keyId, signature: signEntry(entry, key.privateKeyPem) };
  const manifest = { software: [{ id: entry.software, folder: entry.folder, title: 'myApps', versions: [{ id: 'v100', build: '100', label: '1.0.0', files: [file] }, { id: 'v99', build: '99' }] }] };
  const keys = [{ keyId: key.keyId, publicKey: key.publicKey }];
  const want = { build: '100', os: 'linux', arch: 'x64', kind: 'appimage' as const, appStoreUrl: 'https://store.example.com/apps/', softwareId: entry.software };
  return {
    arbitrary: textMix([JSON.stringify(manifest), JSON.stringify(manifest, null, 1)], [manifest]),
    run(input) {
      let m: unknown;
      try {
        m = JSON.parse(input as string);
      } catch {
        return; // the service refuses text that is not JSON before selecting
      }
      const sel = selectUpdate(m, want);
      verifyEntrySignature(sel.entry, sel.keyId, sel.signature, keys);
    },
    crash: nativeError,
  };
}

/** vCards: .vcf files of the vCard folder source (bytes: the encoding is detected). */
function vcards(): FuzzTarget {
  const dir = path.join(ROOT, 'test/fixtures/vcards');
  const seeds = readdirSync(dir).filter((f) => f.endsWith('.vcf')).map((f) => readFileSync(path.join(dir, f), 'latin1'));
  const text = textMix(seeds);
  return {
    arbitrary: fc.oneof(
      { weight: 3, arbitrary: text.map((s) => Buffer.from(s, 'latin1')) },
      { weight: 2, arbitrary: text.map((s) => Buffer.from(s, 'utf8')) },
      { weight: 1, arbitrary: text.map((s) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')])) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }) },
    ),
    run(input) {
      parseVCards(input as Uint8Array, 'fuzz.vcf');
    },
    crash: anyThrow,
  };
}

/** Signal/Media messages: an app's Media and Ringer messages, and Signal channels <-> SDP as the engine converts them. */
function signalMedia(): FuzzTarget {
  const fx = (n: string) => readFileSync(path.join(ROOT, 'renderer/media/fixtures', n), 'utf8');
  const sdps = ['chromium156-audio-offer.sdp', 'chromium156-video-offer.sdp', 'chromium156-call-offer.sdp', 'chromium156-appsharing-offer.sdp'].map(fx);
  const kindsOf: ChannelKind[][] = [['audio'], ['video'], ['audio', 'video'], ['appsharing']];
  const channels = sdps.map((s, i) => sdpToChannels(s, kindsOf[i]!));
  const messages: unknown[] = [
    ...channels.map((c) => ({ mt: 'RemoteDescription', channel: 'c1', channels_cmd: 'PROPOSAL', channels: c })),
    ...channels.map((c) => ({ mt: 'RemoteDescription', channel: 'c1', channels_cmd: 'SELECT', channels: c })),
    { mt: 'AllocChannel', channel: 'c1', kind: 'audio', iceServers: [{ urls: 'stun:stun.example.com' }], codecs: ['OPUS', 'G722'], recording: { url: 'https://rec.example.com/x/', on: true } },
    { mt: 'CreateOffer', channel: 'c1' },
    { mt: 'RemoteCandidate', channel: 'c1', end: true },
    { mt: 'SendDtmf', channel: 'c1', digits: '123#' },
    { mt: 'SetMute', mic: true },
    { mt: 'StartRinging', ringtone: 'default' },
  ];
  const texts = [...messages.map((m) => JSON.stringify(m)), ...sdps];
  return {
    arbitrary: textMix(texts, messages),
    run(input) {
      const s = input as string;
      if (s.startsWith('v=')) {
        // An SDP as the engine reads it from the browser, for each kind.
        for (const k of kindsOf) {
          try {
            sdpToChannels(s, k);
          } catch (err) {
            if (nativeError(err)) throw err;
          }
        }
        return;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(s);
      } catch {
        return; // the relay answers "not JSON"
      }
      const media = MediaAppMessageSchema.safeParse(raw);
      RingerAppMessageSchema.safeParse(raw);
      if (!media.success || media.data.mt !== 'RemoteDescription' || !media.data.channels) return;
      const ch = media.data.channels;
      for (const k of kindsOf) {
        try {
          channelsToSdp(ch, k, { cmd: media.data.channels_cmd === 'SELECT' ? 'SELECT' : 'PROPOSAL', mids: k.map((_x, i) => String(i)) });
        } catch (err) {
          if (nativeError(err)) throw err;
        }
      }
    },
    crash: nativeError,
  };
}

export const FUZZ_TARGETS: Record<string, () => FuzzTarget> = {
  bus_frames: busFrames,
  server_strings: serverStrings,
  links,
  log_flags: logFlags,
  settings_files: settingsFiles,
  update_manifests: updateManifests,
  vcards,
  signal_media: signalMedia,
};
