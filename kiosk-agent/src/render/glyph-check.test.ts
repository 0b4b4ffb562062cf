import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkDocumentFont, measureInk } from './glyph-check';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** This process points FONTCONFIG_FILE at our configuration; the child must start from the host's. */
function withoutFontConfig(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.FONTCONFIG_FILE;
  return env;
}

describe('Japanese text rendering', () => {
  it('renders 一 as a flat stroke, not a box', async () => {
    const ink = await measureInk('一', 100);
    expect(ink.missingGlyphBox).toBe(false);
    expect(ink.width).toBeGreaterThan(60);
    expect(ink.height).toBeLessThan(20);
  });

  it('renders kanji as glyphs and a character the font lacks as a box', async () => {
    const missing = await measureInk('\u{20BB7}', 100); // 𠮷, not in BIZ UD明朝
    expect(missing.missingGlyphBox).toBe(true);
    for (const ch of '住民票の写証明髙') {
      const ink = await measureInk(ch, 100);
      expect(ink.missingGlyphBox, ch).toBe(false);
      expect(ink.inkPixels, ch).toBeGreaterThan(300);
    }
  });

  it('passes the start-up self-test', async () => {
    const result = await checkDocumentFont();
    expect(result.detail).toContain('real glyph');
    expect(result.ok).toBe(true);
  });

  it('the self-test fails when the bundled font configuration is not in effect', async () => {
    // A fresh process where fontconfig starts (from host fonts) before our configuration is set.
    const script = [
      "import sharp from 'sharp';",
      `await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><text y="8">x</text></svg>')).png().toBuffer();`,
      `const { checkDocumentFont } = await import(${JSON.stringify(fileURLToPath(new URL('./glyph-check.ts', import.meta.url)))});`,
      'console.log(JSON.stringify(await checkDocumentFont()));',
    ].join('\n');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: repoRoot, env: withoutFontConfig() },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { ok: boolean; detail: string };
    expect(result.ok).toBe(false);
  });
});
