/**
 * The browser files of the sim are plain JS with `// @ts-check` (no build step); this keeps that
 * honest: they must type-check strictly against the DOM library.
 */
import { describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const WWW = join(dirname(fileURLToPath(import.meta.url)), 'www');

describe('pbx-sim browser files', () => {
  it('type-check with // @ts-check (strict, DOM)', () => {
    const files = ['APPCLIENT/consumers.js', 'APPCLIENT/appclient.js', 'APPS/lib1.js', 'APPS/standin.js', 'APPS/miniapp.js', 'APPS/softphone.js'].map((f) => join(WWW, f));
    const program = ts.createProgram(files, {
      allowJs: true,
      checkJs: true,
      noEmit: true,
      strict: true,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      types: [],
    });
    const diags = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(diags).toEqual([]);
  }, 120_000);
});
