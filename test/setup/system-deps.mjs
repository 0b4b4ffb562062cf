#!/usr/bin/env node
// Installs the Debian packages the tests need when they are missing — in ONE apt-get run, since each
// `apt-get update` costs seconds — then hands over to the device setups that start daemons:
//   chromium + a Japanese font (browser tests), cups-ipp-utils + dbus + qpdf (IPP printer tests),
//   pcscd + libpcsclite-dev + vsmartcard-vpcd (+ pcsc-tools, opensc for diagnostics) (PC/SC tests),
//   postgresql (HQ's database tests run on PGlite and on a local PostgreSQL),
//   haproxy (deploy/hq/haproxy.cfg is run in front of two gateways: test/scale/haproxy.test.ts).
// Idempotent and quick when everything is present. Browsers are never downloaded by a test tool.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptInstall } from './apt.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const anyOf = (...files) => files.some((file) => existsSync(file));
const japaneseFont = () => {
  const fonts = spawnSync('fc-list', [':lang=ja', 'family'], { encoding: 'utf8' });
  return fonts.status === 0 && fonts.stdout.trim() !== '';
};

/** [package, is it there?] */
const wanted = [
  ['chromium', () => existsSync('/usr/bin/chromium')],
  ['fontconfig', () => anyOf('/usr/bin/fc-list')],
  ['fonts-noto-cjk', japaneseFont],
  ['cups-ipp-utils', () => anyOf('/usr/sbin/ippeveprinter', '/usr/bin/ippeveprinter')],
  ['dbus', () => anyOf('/usr/bin/dbus-daemon')],
  ['qpdf', () => anyOf('/usr/bin/qpdf')],
  ['pcscd', () => anyOf('/usr/sbin/pcscd')],
  ['libpcsclite-dev', () => anyOf('/usr/include/PCSC/winscard.h')],
  ['vsmartcard-vpcd', () => anyOf('/etc/reader.conf.d/vpcd')],
  ['pcsc-tools', () => anyOf('/usr/bin/pcsc_scan')],
  ['opensc', () => anyOf('/usr/bin/pkcs15-tool')],
  ['postgresql', () => anyOf('/usr/bin/pg_ctlcluster')],
  ['haproxy', () => anyOf('/usr/sbin/haproxy')],
];
const missing = wanted.filter(([, present]) => !present()).map(([pkg]) => pkg);

if (missing.length > 0) {
  aptInstall(missing, { label: 'system-deps' });
} else {
  console.log('system-deps: all Debian packages present');
}

// Daemons and native addons (each script is idempotent and installs nothing apt already did).
for (const script of ['ipp.mjs', 'pcsc.mjs', 'postgres.mjs']) {
  const file = path.join(here, script);
  if (!existsSync(file)) continue;
  const result = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
