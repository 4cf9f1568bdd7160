/**
 * `npm run demo` as a user runs it (issue 10: "the demo is the product"): the whole service graph
 * with the Linux adapters on a private desktop, then the scripted tour, non-interactively. Every
 * step must pass, each with its line and its screenshots (the settings page and the incoming call
 * in English and German among them). Generous timeouts; nothing here judges speed.
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
      // its one line: "step n/7 <title>: <what happened> (<seconds> s)"
      expect(lines.some((l) => l.startsWith(`[demo] step ${n + 1}/${report.steps.length} `) && / \(\d+\.\d s\)/.test(l)), step.id).toBe(true);
      expect(step.screenshots.length, step.id).toBeGreaterThan(0);
      for (const s of step.screenshots) expect(readFileSync(s).subarray(1, 4).toString('latin1'), s).toBe('PNG');
    }
    const shots = report.steps.flatMap((s) => s.screenshots.map((f) => path.basename(f)));
    expect(shots).toEqual(expect.arrayContaining(['04-incoming-call-en.png', '06-incoming-call-de.png', '09-settings-en.png', '10-settings-de.png']));
  }, 900_000);
});
