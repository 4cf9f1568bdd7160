/**
 * native/mac/send-copy.js cannot run here (no macOS/osascript). It is plain JavaScript, so it is
 * run under Node in a sandbox whose globals stand in for the JXA bridge ($, ObjC, Application,
 * delay): the line protocol, the wait for released modifiers and the mapping of refusals.
 */
import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { parseHelperLine } from '../copy-helper';

const source = fs.readFileSync(path.join(__dirname, 'send-copy.js'), 'utf8');

function jxa(opts: { input: string[]; keystroke?: () => void; modifierFlags?: number[] }) {
  const out: string[] = [];
  const input = [...opts.input];
  const flags = [...(opts.modifierFlags ?? [])];
  let changeCount = 41;
  const keystrokes: unknown[] = [];
  const delays: number[] = [];
  const data = (s: string) => ({ length: Buffer.byteLength(s), s });
  const $: any = (s: string) => ({ dataUsingEncoding: () => data(s) });
  $.NSUTF8StringEncoding = 4;
  $.NSFileHandle = {
    fileHandleWithStandardOutput: { writeData: (d: { s: string }) => out.push(d.s) },
    fileHandleWithStandardInput: {
      get availableData() { return data(input.shift() ?? ''); },
    },
  };
  $.NSString = { alloc: { initWithDataEncoding: (d: { s: string }) => ({ js: d.s }) } };
  $.NSPasteboard = { generalPasteboard: { get changeCount() { return changeCount; } } };
  $.NSEvent = { get modifierFlags() { return flags.length ? flags.shift() : 0; } };
  const sandbox = {
    $,
    ObjC: { import: () => undefined },
    delay: (s: number) => delays.push(s),
    Application: (name: string) => {
      expect(name).toBe('System Events');
      return {
        keystroke: (k: string, o: unknown) => {
          keystrokes.push([k, o]);
          opts.keystroke?.();
          changeCount++;
        },
      };
    },
  };
  vm.createContext(sandbox);
  vm.runInContext(`${source}\nthis.__result = run();`, sandbox);
  return { lines: out.join('').split('\n').filter(Boolean), keystrokes, delays };
}

describe('native/mac/send-copy.js (under a stand-in JXA bridge)', () => {
  it('ready, seq, copy with Cmd+C, split and joined input lines, unknown commands', () => {
    const r = jxa({ input: ['seq\nco', 'py\n', 'seq\nbogus\n\n'] });
    expect(r.lines.map(parseHelperLine)).toEqual([
      { kind: 'ready', version: 1, seq: 41 },
      { kind: 'seq', seq: 41 },
      { kind: 'copied' },
      { kind: 'seq', seq: 42 },
      { kind: 'error', error: 'bad-command', message: 'unknown command: bogus', code: undefined },
    ]);
    expect(r.keystrokes).toEqual([['c', { using: 'command down' }]]);
  });

  it('waits while the hot-key modifiers are still held', () => {
    const CONTROL = 1 << 18;
    const r = jxa({ input: ['copy\n'], modifierFlags: [CONTROL, CONTROL, CONTROL, 0] });
    expect(r.delays).toEqual([0.01, 0.01, 0.01]);
    expect(r.lines.map(parseHelperLine)[1]).toEqual({ kind: 'copied' });
  });

  it.each([
    [-1719, 'System Events got an error: osascript is not allowed assistive access.'],
    [1002, 'osascript is not allowed to send keystrokes.'],
    [-1743, 'Not authorized to send Apple events to System Events.'],
  ])('refusal %i → permission-denied', (n, message) => {
    const r = jxa({ input: ['copy\n'], keystroke: () => { throw Object.assign(new Error(message), { errorNumber: n }); } });
    expect(parseHelperLine(r.lines[1]!)).toEqual({ kind: 'error', error: 'permission-denied', message, code: n });
  });

  it('other failures → send-failed', () => {
    const r = jxa({ input: ['copy\n'], keystroke: () => { throw Object.assign(new Error('Connection is invalid.'), { errorNumber: -609 }); } });
    expect(parseHelperLine(r.lines[1]!)).toEqual({ kind: 'error', error: 'send-failed', message: 'Connection is invalid.', code: -609 });
  });

  it('never reads pasteboard content', () => {
    expect(source).not.toMatch(/stringForType|dataForType|theClipboard|the clipboard/i);
  });
});
