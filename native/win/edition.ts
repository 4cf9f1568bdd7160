/**
 * Is this Windows a Server edition? Windows Server 2016/2019/2022 show only one IncomingCall
 * notification at a time (docs/notifications.md), and the launcher's incoming-call window
 * follows the same rule there. Read from `InstallationType` under
 * `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion` ("Client", "Server", "Server Core") with
 * reg.exe (native/process.ts: absolute path, argument array, no shell).
 */
import { runProcess, type ProcessRunner } from '../process';
import { parseRegQuery, regQuery } from './managed';

export const CURRENT_VERSION_KEY = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion';

/** The InstallationType value of a `reg query … /v InstallationType` output ('' when absent). */
export function installationType(regOutput: string): string {
  const v = parseRegQuery(regOutput).values.find((x) => x.name === 'InstallationType')?.value;
  return typeof v === 'string' ? v.trim() : '';
}

/** True on Windows Server (also Server Core); false on client editions and when it cannot be read. */
export async function isWindowsServer(run: ProcessRunner = runProcess): Promise<boolean> {
  const r = await regQuery(CURRENT_VERSION_KEY, ['/v', 'InstallationType'], run);
  return r.code === 0 && /^server/i.test(installationType(r.stdout));
}
