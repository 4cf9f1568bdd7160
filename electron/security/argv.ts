/**
 * THE command-line parser (Electron-free): the first start, the single-instance handoff, macOS
 * open-url, the Linux forwarder and the trace files (`--log-flags`, `--log-size`) all read the
 * command line through `parseLauncherArgv`; there is no second one (issue 12, argv-one-parser).
 *
 * Rules (CVE-2018-1000006 and its bypasses): a link is never an option and an option never
 * comes from a link. The first argument that looks like a link (common/links.ts) ends the parsing;
 * everything after it is ignored. After `--` nothing is an option. Only our own options are
 * recognised, each with a strictly validated value; Chromium's own switches (which Electron puts
 * into the second instance's argv) and anything unknown are ignored. `--log-flags` and
 * `--log-size` also take their value as the next argument (`--log-flags 0x856000001`,
 * docs/log-flags.md) when that argument is neither a link nor an option.
 */
import { hasLinkScheme, linkForTrace, linkProblem, LINK_REFUSED_CHARS } from '../../common/links';
import { MIN_LOG_SIZE, tryParseLogFlags } from '../../common/log-flags';

export interface LauncherOptions {
  /** `--server=<server string>` preset (connect form skipped). */
  server?: string;
  /** `--log-size=<bytes>` trace file size cap (at least MIN_LOG_SIZE). */
  logSize?: number;
  /** `--log-flags=<hex>` trace mask (common/log-flags.ts parseLogFlags: at most 16 hex digits). */
  logFlags?: bigint;
  /** `--hidden`: start in the tray (autostart). */
  hidden?: boolean;
  /** `--trust-certificate=<fingerprint>` (`sha256/<base64>` or colon hex): accept this one certificate (demo and tests). */
  trustCertificates?: string[];
  /** `--user-data-dir=<path>` is Chromium's; we only read it to keep separate profiles apart. */
}

export interface ParsedArgv {
  options: LauncherOptions;
  /** The link to handle (a LINK_SCHEMES link of common/links.ts, checked by linkProblem), as given. */
  link?: string;
  /** The first link argument when linkProblem refused it (too long, control characters). */
  refusedLink?: { link: string; reason: string };
  /**
   * Arguments ignored, with the reason (traced). `ours`: one of our options with a bad value (a
   * warning). A link argument is described by its scheme and length only: it may carry a
   * password (`sip:alice:secret@…`) and is never traced as written.
   */
  ignored: { arg: string; reason: string; ours?: boolean }[];
}

/** Options that also take their value as the next argument (docs/log-flags.md). */
const VALUE_MAY_FOLLOW = new Set(['--log-flags', '--log-size']);

/** How an argument is shown in traces: a link by scheme and length, anything else cut at 80 characters. */
export function argForTrace(arg: string): string {
  return linkForTrace(arg, 80);
}

/**
 * Parse the arguments after the executable (and after the app path when running unpackaged).
 * `args` must not include argv[0].
 */
export function parseLauncherArgv(args: readonly string[]): ParsedArgv {
  const out: ParsedArgv = { options: {}, ignored: [] };
  let optionsOver = false;
  for (let i = 0; i < args.length; i++) {
    const arg = String(args[i]);
    if (hasLinkScheme(arg)) {
      const problem = linkProblem(arg);
      if (problem) {
        out.ignored.push({ arg: argForTrace(arg), reason: `link ${problem}` });
        out.refusedLink = { link: arg, reason: problem };
      } else out.link = arg;
      for (const rest of args.slice(i + 1)) out.ignored.push({ arg: argForTrace(String(rest)), reason: 'after the link' });
      break;
    }
    if (arg === '--' && !optionsOver) {
      optionsOver = true;
      continue;
    }
    if (arg.startsWith('-') && !optionsOver) {
      let opt = arg;
      const next = args[i + 1];
      if (VALUE_MAY_FOLLOW.has(arg) && typeof next === 'string' && !next.startsWith('-') && !hasLinkScheme(next)) {
        opt = `${arg}=${next}`;
        i++;
      }
      const err = applyOption(opt, out.options);
      if (err) out.ignored.push({ arg: opt.slice(0, 80), ...err });
      continue;
    }
    out.ignored.push({ arg: argForTrace(arg), reason: 'not a link' });
  }
  return out;
}

/** Applies one of our options; the reason when it is not ours or its value is bad (`ours`). */
function applyOption(arg: string, o: LauncherOptions): { reason: string; ours?: true } | null {
  const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(arg);
  if (!m) return { reason: 'unknown option' };
  const [, name, value] = m;
  const bad = (reason: string) => ({ reason, ours: true as const });
  // an option value may not hold the characters a link may not hold (common/links.ts)
  if (value !== undefined && LINK_REFUSED_CHARS.test(value)) return { reason: 'control characters in value' };
  switch (name) {
    case 'server':
      if (!value || value.length > 300 || !/^[A-Za-z0-9.:\-[\]/#=_%]+$/.test(value)) return bad('invalid --server value');
      o.server = value;
      return null;
    case 'log-size': {
      if (!value || !/^\d{1,12}$/.test(value.trim())) return bad(`--log-size: ${JSON.stringify((value ?? '').slice(0, 40))} is not a number of bytes`);
      const n = Number(value.trim());
      if (n < MIN_LOG_SIZE) return bad(`--log-size: ${n} is below the minimum of ${MIN_LOG_SIZE} bytes`);
      o.logSize = n;
      return null;
    }
    case 'log-flags': {
      if (value === undefined) return bad('--log-flags needs a value');
      const r = tryParseLogFlags(value);
      if (!r.ok) return bad(`--log-flags: ${r.error}`);
      o.logFlags = r.mask;
      return null;
    }
    case 'hidden':
      if (value !== undefined) return bad('--hidden takes no value');
      o.hidden = true;
      return null;
    case 'trust-certificate':
      if (!value || !(/^sha256\/[A-Za-z0-9+/=]{40,64}$/.test(value) || /^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/.test(value))) return bad('invalid --trust-certificate value (sha256/<base64> or AB:CD:… SHA-256)');
      (o.trustCertificates ??= []).push(value);
      return null;
    default:
      return { reason: 'not our option' };
  }
}

/**
 * Which argv elements are ours: Electron's argv is `[exe, ...args]` when packaged and
 * `[exe, appPath, ...args]` when run as `electron .`.
 */
export function userArgs(argv: readonly string[], isPackaged: boolean): string[] {
  return argv.slice(isPackaged ? 1 : 2);
}
