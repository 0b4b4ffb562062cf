import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { documentFontCoverage, parseCoverage } from './coverage';
import { FONT_FILES } from './fonts';
import { GETA, substitute, SubstitutionCounter } from './substitute';

describe('font coverage (cmap)', () => {
  it('knows what BIZ UD明朝 has and lacks', () => {
    const font = documentFontCoverage();
    for (const ch of '住民票の写し髙﨑吉〓　Aア１') expect(font.has(ch.codePointAt(0)!), ch).toBe(true);
    expect(font.has(0x20bb7)).toBe(false); // 𠮷
    expect(font.has(0xe000)).toBe(false); // private use
  });

  it('reads the bold weight the same way', () => {
    const bold = parseCoverage(readFileSync(FONT_FILES.bold));
    expect(bold.has('印'.codePointAt(0)!)).toBe(true);
    expect(bold.has(0x20bb7)).toBe(false);
  });
});

describe('substitute', () => {
  it('prints 𠮷 as 吉 and counts it', () => {
    expect(substitute('𠮷田　𠮷子')).toEqual({ text: '吉田　吉子', count: 2 });
  });

  it('prints other missing characters as 〓', () => {
    expect(substitute('山\uE000太')).toEqual({ text: `山${GETA}太`, count: 1 });
  });

  it('leaves printable text and variation selectors alone', () => {
    expect(substitute('葛\u{E0100}飾区')).toEqual({ text: '葛\u{E0100}飾区', count: 0 });
  });

  it('sums over a page', () => {
    const counter = new SubstitutionCounter();
    counter.text('𠮷');
    counter.text('普通');
    counter.text('\uE000\uE001');
    expect(counter.count).toBe(3);
  });
});
