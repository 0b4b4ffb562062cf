import { describe, expect, it } from 'vitest';
import { fitSize, specBounds, svgText, widthEm, wrapLines } from './text';
import { escapeXml } from './xml';

describe('escapeXml', () => {
  it('escapes markup characters', () => {
    expect(escapeXml(`A<B & "C" 'D'>`)).toBe('A&lt;B &amp; &quot;C&quot; &apos;D&apos;&gt;');
  });

  it('replaces characters XML cannot carry instead of dropping them', () => {
    expect(escapeXml('a\u0000b\u001Fc\uFFFEd')).toBe('a\uFFFDb\uFFFDc\uFFFDd');
    expect(escapeXml('x\uD842y')).toBe('x\uFFFDy'); // lone high surrogate
    expect(escapeXml('\u{20BB7}野')).toBe('\u{20BB7}野'); // a proper pair stays
    expect(escapeXml('tab\tand\nnewline')).toBe('tab\tand\nnewline');
  });
});

describe('svgText', () => {
  it('escapes the text and its fill', () => {
    const svg = svgText({ text: 'A<B & "C"', x: 1, y: 2, size: 3, fill: '"><script>' }, 10, { x: 0, y: 0 });
    expect(svg).toContain('>A&lt;B &amp; &quot;C&quot;</text>');
    expect(svg).toContain('fill="&quot;&gt;&lt;script&gt;"');
    expect(svg).not.toMatch(/<script/);
  });

  it('places text in pixels relative to the tile', () => {
    const svg = svgText({ text: 'x', x: 10, y: 20, size: 4, anchor: 'end' }, 300 / 25.4, { x: 100, y: 200 });
    expect(svg).toContain(`x="${Math.round(((10 * 300) / 25.4 - 100) * 100) / 100}"`);
    expect(svg).toContain('text-anchor="end"');
  });
});

describe('widths', () => {
  it('counts full-width as 1 em, ASCII and half-width kana as 1/2, selectors as 0', () => {
    expect(widthEm('山田　太郎')).toBe(5);
    expect(widthEm('JMH-2026')).toBe(4);
    expect(widthEm('ｱｲ')).toBe(1);
    expect(widthEm('葛\u{E0100}')).toBe(1);
    expect(widthEm('\u{20BB7}')).toBe(1);
  });

  it('shrinks to fit and refuses what cannot fit', () => {
    expect(fitSize('山田', 5, 100, 2)).toBe(5);
    expect(fitSize('あ'.repeat(40), 5, 100, 2)).toBeCloseTo(2.5);
    expect(() => fitSize('あ'.repeat(100), 5, 100, 2)).toThrow(RangeError);
  });

  it('wraps without splitting a character from its variation selector', () => {
    const lines = wrapLines('東京都葛\u{E0100}飾区', 1, 4, 3);
    expect(lines).toEqual(['東京都葛\u{E0100}', '飾区']);
    expect(wrapLines('あ'.repeat(10), 1, 4, 2)).toBeUndefined();
  });

  it('wraps addresses at the space and never inside a number', () => {
    const address = '北海道札幌市中央区北一条西二丁目1番地1　札幌グランドパレスタワー北棟2305号室';
    expect(wrapLines(address, 1, 36, 2)).toEqual([
      '北海道札幌市中央区北一条西二丁目1番地1',
      '札幌グランドパレスタワー北棟2305号室',
    ]);
    // No space to break at: the number moves to the next line whole.
    expect(wrapLines('札幌グランドパレスタワー北棟2305号室', 1, 15.5, 2)).toEqual([
      '札幌グランドパレスタワー北棟',
      '2305号室',
    ]);
    // A run longer than a line is split after all rather than overflowing.
    expect(wrapLines('1234567890', 1, 2, 3)).toEqual(['1234', '5678', '90']);
  });

  it('bounds cover the text for every anchor', () => {
    for (const anchor of ['start', 'middle', 'end'] as const) {
      const b = specBounds({ text: '住民票', x: 50, y: 20, size: 4, anchor });
      const left = anchor === 'start' ? 50 : anchor === 'middle' ? 44 : 38;
      expect(b.x).toBeLessThan(left);
      expect(b.x + b.width).toBeGreaterThan(left + 12);
      expect(b.y).toBeLessThan(16);
      expect(b.y + b.height).toBeGreaterThan(20);
    }
  });
});
