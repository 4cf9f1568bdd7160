/**
 * Command-line parsing for the first start and the single-instance handoff (Electron-free).
 *
 * Rules (CVE-2018-1000006 and its bypasses): a link is never an option and an option never
 * comes from a link. The first argument that looks like a link (common/links.ts) ends the parsing;
 * everything after it is ignored. After `--` nothing is an option. Only our own options are
 * recognised, each with a strictly validated value; Chromium's own switches (which Electron puts
 * into the second instance's argv) and anything unknown are ignored.
 */
import { hasLinkScheme, linkProblem, LINK_REFUSED_CHARS } from '../../common/links';

export interface LauncherOptions {
  /** `--server=<server string>` preset (connect form skipped). */
  server?: string;
  /** `--log-size=<bytes>` trace file size cap. */
  logSize?: number;
  /** `--log-flags=<hex>` trace mask (parsed by electron/log). */
  logFlags?: string;
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
  /** Arguments ignored, with the reason (traced). */
  ignored: { arg: string; reason: string }[];
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
      if (problem) out.ignored.push({ arg: arg.slice(0, 80), reason: `link ${problem}` });
      else out.link = arg;
      for (const rest of args.slice(i + 1)) out.ignored.push({ arg: String(rest).slice(0, 80), reason: 'after the link' });
      break;
    }
    if (arg === '--') {
      optionsOver = true;
      continue;
    }
    if (arg.startsWith('-') && !optionsOver) {
      const err = applyOption(arg, out.options);
      if (err) out.ignored.push({ arg: arg.slice(0, 80), reason: err });
      continue;
    }
    out.ignored.push({ arg: arg.slice(0, 80), reason: 'not a link' });
  }
  return out;
}

function applyOption(arg: string, o: LauncherOptions): string | null {
  const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(arg);
  if (!m) return 'unknown option';
  const [, name, value] = m;
  // an option value may not hold the characters a link may not hold (common/links.ts)
  if (value !== undefined && LINK_REFUSED_CHARS.test(value)) return 'control characters in value';
  switch (name) {
    case 'server':
      if (!value || value.length > 300 || !/^[A-Za-z0-9.:\-[\]/#=_%]+$/.test(value)) return 'invalid --server value';
      o.server = value;
      return null;
    case 'log-size': {
      if (!value || !/^\d{1,12}$/.test(value)) return 'invalid --log-size value';
      const n = Number(value);
      if (n < 1024) return '--log-size below 1024 bytes';
      o.logSize = n;
      return null;
    }
    case 'log-flags':
      if (!value || !/^(0x)?[0-9a-f]{1,16}$/i.test(value)) return 'invalid --log-flags value';
      o.logFlags = value;
      return null;
    case 'hidden':
      if (value !== undefined) return '--hidden takes no value';
      o.hidden = true;
      return null;
    case 'trust-certificate':
      if (!value || !(/^sha256\/[A-Za-z0-9+/=]{40,64}$/.test(value) || /^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/.test(value))) return 'invalid --trust-certificate value (sha256/<base64> or AB:CD:… SHA-256)';
      (o.trustCertificates ??= []).push(value);
      return null;
    default:
      return 'not our option';
  }
}

/**
 * Which argv elements are ours: Electron's argv is `[exe, ...args]` when packaged and
 * `[exe, appPath, ...args]` when run as `electron .`.
 */
export function userArgs(argv: readonly string[], isPackaged: boolean): string[] {
  return argv.slice(isPackaged ? 1 : 2);
}
