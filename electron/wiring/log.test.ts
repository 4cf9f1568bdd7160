import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { SettingsStore } from '../settings';
import { createTraceFiles, listTraceFiles, type TraceFiles } from '../log';
import type { Logger } from '../platform';
import { CALL_PROBLEM_FLAGS } from '../../common/log-categories';
import { applyReactions, wireSettingsReactions } from './reactions';
import { parseLauncherArgv } from '../security/argv';

/** What createPlatformServices does for the trace files: the settings now, then the reaction table. */
function linkLogFlagsToSettings(traces: TraceFiles, store: SettingsStore, logger: Logger): () => void {
  applyReactions(['logFlags', 'logSizeBytes'], { traces }, store, logger);
  return wireSettingsReactions(store, { traces }, logger).close;
}

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-link-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

describe('log flags and trace file size follow the settings store live', () => {
  it('user field, PBX forced value, and the command line winning', async () => {
    const logger = memoryLogger();
    const store = await SettingsStore.open({ userData: path.join(dir, 'user'), logger, managed: [] });
    const traces = createTraceFiles({ dir: path.join(dir, 'logs'), flushOnExit: false });
    const stop = linkLogFlagsToSettings(traces, store, logger);
    expect(traces.mask).toEqual({ mask: 0x1n, source: 'settings' }); // the settings default 0x1 (App)
    await store.set('logFlags', '856000001');
    expect(traces.mask.mask).toBe(CALL_PROBLEM_FLAGS);
    traces.main.trace('Signaling', 'after user change');
    store.setAdminSettings({ logFlags: { value: '00000000d6800001', force: true } });
    expect(traces.mask.mask).toBe(0xd6800001n);
    traces.main.trace('Signaling', 'not after PBX force');
    traces.main.trace('Browser', 'browser after PBX force');
    stop();
    await traces.close();
    const text = (await listTraceFiles(path.join(dir, 'logs'), 'myApps')).map((f) => fs.readFileSync(f, 'utf8')).join('');
    expect(text).toContain('[Signaling] after user change');
    expect(text).not.toContain('not after PBX force');
    expect(text).toContain('[Browser] browser after PBX force');
    expect(text).toContain('[INFO] Log flags changed: 0xd6800001 = App, Media, ICE, TURN, Audio, Browser, AppProxy (from settings)');

    const t2 = createTraceFiles({ dir: path.join(dir, 'logs2'), commandLine: { logFlags: 0n }, flushOnExit: false });
    linkLogFlagsToSettings(t2, store, logger)();
    expect(t2.mask).toEqual({ mask: 0n, source: 'command-line' });
    await t2.close();
    await store.flush();
  });

  it('the trace file size cap follows logSizeBytes; --log-size wins', async () => {
    const logger = memoryLogger();
    const store = await SettingsStore.open({ userData: path.join(dir, 'user'), logger, managed: [] });
    const traces = createTraceFiles({ dir: path.join(dir, 'logs'), flushOnExit: false });
    const stop = linkLogFlagsToSettings(traces, store, logger);
    expect(traces.main.maxFileSize).toBe(10_000_000); // the setting's default
    await store.set('logSizeBytes', 100_000);
    expect(traces.main.maxFileSize).toBe(100_000);
    expect(traces.helper('myAppsUpdate').maxFileSize).toBe(100_000);
    // the files really rotate at the new size
    for (let i = 0; i < 300; i++) traces.main.warn(`line ${i} ${'x'.repeat(500)}`);
    await traces.flush();
    expect((await listTraceFiles(path.join(dir, 'logs'), 'myApps')).length).toBeGreaterThan(1);
    stop();
    await traces.close();
    const t2 = createTraceFiles({ dir: path.join(dir, 'logs2'), commandLine: parseLauncherArgv(['--log-size=200000']).options, flushOnExit: false });
    linkLogFlagsToSettings(t2, store, logger)();
    expect(t2.main.maxFileSize).toBe(200_000);
    await t2.close();
    await store.flush();
  });
});
