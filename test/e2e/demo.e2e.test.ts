/**
 * `npm run demo` as a user runs it (issue 10: "the demo is the product"): the whole service graph
 * with the Linux adapters on a private desktop, then the scripted tour, non-interactively. Every
 * step must pass, each with its line and its screenshots (the settings page, the incoming-call
 * notification and the incoming-call window in English and German, the sharing bar among them);
 * the calls parts (keep awake, the sharing bar, the incoming-call window, the in-app banner) run.
 * Generous timeouts; nothing here judges speed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TOUR_STEP_IDS } from '../../scripts/demo/steps';

const ROOT = path.resolve(__dirname, '..', '..');

interface TourReport {
  ok: boolean;
  steps: { id: string; ok: boolean; detail: string; seconds: number; screenshots: string[] }[];
}

function runDemo(out: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'demo', '--', '--out', out], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

describe('npm run demo: the tour on the product', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'demo-e2e-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('starts every service and passes every step, one line and screenshots each', async () => {
    const { code, output } = await runDemo(out);
    const lines = output.split('\n').filter((l) => l.startsWith('[demo]'));
    expect(code, output.slice(-4000)).toBe(0);
    expect(output).not.toMatch(/FAILED|skipped|not started/);
    const report = JSON.parse(readFileSync(path.join(out, 'tour.json'), 'utf8')) as TourReport;
    expect(report.ok).toBe(true);
    expect(report.steps.map((s) => s.id)).toEqual([...TOUR_STEP_IDS]);
    for (const [n, step] of report.steps.entries()) {
      expect(step.ok, `${step.id}: ${step.detail}`).toBe(true);
      // its one line: "step n/8 <title>: <what happened> (<seconds> s)"
      expect(lines.some((l) => l.startsWith(`[demo] step ${n + 1}/${report.steps.length} `) && / \(\d+\.\d s\)/.test(l)), step.id).toBe(true);
      expect(step.screenshots.length, step.id).toBeGreaterThan(0);
      for (const s of step.screenshots) expect(readFileSync(s).subarray(1, 4).toString('latin1'), s).toBe('PNG');
    }
    const shots = report.steps.flatMap((s) => s.screenshots.map((f) => path.basename(f)));
    expect(shots).toEqual(expect.arrayContaining([
      '04-incoming-call-en.png', '05-incoming-call-window-en.png', '07-incoming-call-de.png', '08-incoming-call-window-de.png',
      '09-sharing-bar.png', '12-settings-en.png', '13-settings-de.png',
    ]));
    // the parts around calls started, keeping awake through the D-Bus inhibit adapter
    const graph = lines.find((l) => l.startsWith('[demo] started the service graph: ')) ?? '';
    for (const part of ['awake', 'banner', 'incomingCallWindow', 'sharingWindow']) expect(graph).toMatch(new RegExp(`\\b${part}\\b`));
    expect(lines.some((l) => /started Linux adapters: .*powerSaveBlocker dbus-inhibit/.test(l))).toBe(true);
    const detail = (id: string) => report.steps.find((s) => s.id === id)?.detail ?? '';
    expect(detail('call')).toMatch(/the incoming-call window shows "bob" 202 .*in German the window says "Eingehender Anruf", "Ablehnen" clicked in it → rejected/);
    expect(detail('sharing')).toMatch(/kept awake through the D-Bus inhibit adapter \(power .*screensaver .*Stop clicked → the softphone's appsharing channel closed \(ChannelClosed "stopped"\), the bar gone.*inhibitions released/);
  }, 900_000);
});
