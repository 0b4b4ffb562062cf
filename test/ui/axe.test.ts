/**
 * Accessibility of every kiosk screen: the BUILT UI (npm run build -w kiosk-ui) served by a fake agent
 * that pushes one fixture state after another. For each: axe-core with the WCAG 2.1 A/AA rules must find
 * nothing, and the screen's actions must be fully on screen (never scrolled away) in portrait and
 * landscape, in large text too.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScreenState } from 'kiosk-agent/protocol/index';
import { launchChromium } from '../support/browser';
import { startedPerFile } from '../support/per-file';
import { screenOf } from '../support/ui';
import { startFakeAgent } from './fake-agent';
import { allVariants, fixtures } from './fixtures';

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const variants = allVariants();

const env = startedPerFile({
  agent: () => startFakeAgent(fixtures.idle),
  browser: launchChromium,
});

async function openPage(width: number, height: number): Promise<Page> {
  const page = await env.browser.newPage({ viewport: { width, height } });
  await page.goto(env.agent.url);
  await page.addScriptTag({ content: axeSource });
  return page;
}

/** Pushes a state and waits until the page shows it (screen, language, display modes) and has painted. */
async function show(page: Page, state: ScreenState): Promise<void> {
  env.agent.push(state);
  await screenOf(page, state.screen).waitFor();
  await page.waitForFunction(
    ({ lang, large, contrast }) => {
      const root = document.documentElement;
      return (
        root.lang === lang &&
        root.classList.contains('large-text') === large &&
        root.classList.contains('high-contrast') === contrast
      );
    },
    {
      lang: state.language === 'ja-easy' ? 'ja' : state.language,
      large: state.display.largeText,
      contrast: state.display.highContrast,
    },
  );
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
}

async function axeViolations(page: Page): Promise<AxeViolation[]> {
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

/** Where the actions footer is, and whether the page itself scrolls (it never should). */
function layoutOf(page: Page) {
  return page.evaluate(() => {
    const footer = document.querySelector('[data-actions]');
    const box = footer?.getBoundingClientRect();
    const root = document.scrollingElement ?? document.documentElement;
    return {
      pageScrolls: root.scrollHeight > window.innerHeight + 1 || root.scrollWidth > window.innerWidth + 1,
      footer: box ? { top: box.top, bottom: box.bottom, left: box.left, right: box.right } : null,
      viewport: { width: window.innerWidth, height: window.innerHeight },
    };
  });
}

function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n')}`,
    )
    .join('\n');
}

describe.each([
  { orientation: 'portrait', width: 1080, height: 1920 },
  { orientation: 'landscape', width: 1920, height: 1080 },
])('every screen in $orientation', ({ width, height, orientation }) => {
  let page: Page;
  beforeAll(async () => {
    page = await openPage(width, height);
  });
  afterAll(async () => {
    await page?.close();
  });

  // Landscape runs axe on the display-mode variants only (the rules do not depend on the size otherwise).
  const axeHere = (name: string) => orientation === 'portrait' || /large|contrast/.test(name);

  it.each(variants)('$name', async ({ name, state }) => {
    await show(page, state);
    const layout = await layoutOf(page);
    expect(layout.pageScrolls, `${name}: the page scrolls`).toBe(false);
    if (layout.footer) {
      expect(layout.footer.top, `${name}: actions above the screen`).toBeGreaterThanOrEqual(0);
      expect(layout.footer.bottom, `${name}: actions below the screen`).toBeLessThanOrEqual(
        layout.viewport.height,
      );
      expect(layout.footer.right, `${name}: actions off the right edge`).toBeLessThanOrEqual(
        layout.viewport.width,
      );
    }
    if (axeHere(name)) {
      const violations = await axeViolations(page);
      expect(violations, `${name}:\n${describeViolations(violations)}`).toEqual([]);
    }
  });
});

describe('display modes and the html lang', () => {
  it('sends setDisplay with both flags and renders what the agent answers', async () => {
    const page = await openPage(1080, 1920);
    try {
      env.agent.respond((intent, current) =>
        intent.type === 'setDisplay' ? { ...current, display: intent.display } : undefined,
      );
      await show(page, fixtures.pin);
      const before = env.agent.intents.length;
      await page.getByTestId('display-large').click();
      await page.waitForFunction(() => document.documentElement.classList.contains('large-text'));
      await page.getByTestId('display-contrast').click();
      await page.waitForFunction(() => document.documentElement.classList.contains('high-contrast'));
      expect(env.agent.intents.slice(before)).toEqual([
        { type: 'setDisplay', display: { largeText: true, highContrast: false } },
        { type: 'setDisplay', display: { largeText: true, highContrast: true } },
      ]);
      await expect(page.getByTestId('display-large').getAttribute('aria-pressed')).resolves.toBe('true');
      // A reset from the agent clears both.
      await show(page, fixtures.idle);
      expect(await page.evaluate(() => document.documentElement.className)).not.toMatch(
        /large-text|high-contrast/,
      );
    } finally {
      env.agent.respond(null);
      await page.close();
    }
  });

  it('offers all seven languages, each named in itself, and sets <html lang>', async () => {
    const page = await openPage(1080, 1920);
    try {
      await show(page, fixtures.serviceMenu);
      const labels = await page.locator('[data-testid^="lang-"]').allTextContents();
      expect(labels.map((l) => l.trim())).toEqual([
        '日本語',
        'やさしい にほんご',
        'English',
        '简体中文',
        '한국어',
        'Tiếng Việt',
        'Português',
      ]);
      await show(page, { ...fixtures.serviceMenu, language: 'zh-Hans' });
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-Hans');
      await show(page, { ...fixtures.serviceMenu, language: 'ja-easy' });
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('ja');
      await expect(page.getByTestId('lang-ja-easy').getAttribute('aria-pressed')).resolves.toBe('true');
    } finally {
      await page.close();
    }
  });
});
