/**
 * Linux managed settings: every `*.json` file in /etc/innovaphone/myApps (configurable), read in
 * name order (a later file's value wins), each a JSON object of `{ "<setting or MSI name>": value }`.
 * A bad file is skipped with a warning; nothing is fatal.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ManagedSettingsRead, ManagedSettingsReader } from '../../electron/settings/ports';

export const LINUX_MANAGED_DIR = '/etc/innovaphone/myApps';
const MAX_FILE_BYTES = 1024 * 1024;

export class LinuxManagedSettingsReader implements ManagedSettingsReader {
  constructor(private readonly dir = LINUX_MANAGED_DIR) {}

  async read(): Promise<ManagedSettingsRead> {
    const out: ManagedSettingsRead = { values: {}, origins: [], warnings: [] };
    let names: string[];
    try {
      names = (await fs.readdir(this.dir)).filter((n) => n.endsWith('.json')).sort();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') out.warnings.push(`${this.dir}: cannot list (${code ?? (err as Error).message})`);
      return out;
    }
    for (const name of names) {
      const file = path.join(this.dir, name);
      try {
        const st = await fs.stat(file);
        if (!st.isFile()) continue;
        if (st.size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
        const data: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
        if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('not a JSON object');
        Object.assign(out.values, data);
        out.origins.push(file);
      } catch (err) {
        out.warnings.push(`${file} skipped: ${(err as Error).message}`);
      }
    }
    return out;
  }
}
