import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { escapeXml } from './xml';

/**
 * Documents are set in BIZ UD明朝 shipped as an npm package, so `npm install` alone gives every kiosk
 * the same font, whatever the host has installed.
 */
export const FONT_FAMILY = 'BIZ UDMincho';

const require = createRequire(import.meta.url);

/** Absolute paths of the bundled font files. */
export const FONT_FILES: Readonly<{ regular: string; bold: string }> = {
  regular: require.resolve('@expo-google-fonts/biz-udmincho/400Regular/BIZUDMincho_400Regular.ttf'),
  bold: require.resolve('@expo-google-fonts/biz-udmincho/700Bold/BIZUDMincho_700Bold.ttf'),
};

let configured: string | undefined;

/**
 * Points fontconfig (used by librsvg inside sharp) at a configuration of our own that lists only
 * the bundled font folders. Only our font, on purpose: a character the font lacks then prints as a
 * hex box instead of silently coming from some other host font, so output is the same on every
 * kiosk and a missing 外字 is visible.
 *
 * fontconfig reads FONTCONFIG_FILE once, when the process first renders text, so this must run
 * before that; get sharp through `loadSharp()` (./sharp) to guarantee it. Render on the main
 * thread: in a worker, process.env is a private copy that native code never sees. Idempotent;
 * returns the path of the configuration file. `checkDocumentFont()` (./glyph-check) verifies it.
 */
export function configureFonts(): string {
  if (configured !== undefined && process.env.FONTCONFIG_FILE === configured) return configured;
  const fontDirs = [...new Set([dirname(FONT_FILES.regular), dirname(FONT_FILES.bold)])];
  // One folder per font set (and user), so kiosks on one host and parallel test workers never
  // fight over a half-written file or a cache owned by someone else.
  const key = createHash('sha256').update(fontDirs.join('\n')).digest('hex').slice(0, 12);
  const base = join(tmpdir(), `kiosk-fontconfig-${process.getuid?.() ?? 'u'}-${key}`);
  const cacheDir = join(base, 'cache');
  mkdirSync(cacheDir, { recursive: true });
  const file = join(base, 'fonts.conf');
  const xml = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    '<fontconfig>',
    ...fontDirs.map((dir) => `  <dir>${escapeXml(dir)}</dir>`),
    `  <cachedir>${escapeXml(cacheDir)}</cachedir>`,
    // The font set never changes while we run: skip fontconfig's periodic rescans.
    '  <config><rescan><int>0</int></rescan></config>',
    '</fontconfig>',
    '',
  ].join('\n');
  // Written via temp + rename: another process may be reading it right now.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, xml);
  renameSync(temp, file);
  process.env.FONTCONFIG_FILE = file;
  configured = file;
  return file;
}
