#!/usr/bin/env node
// Installs the system packages the tests need when they are missing (Debian): Chromium for the browser
// tests and a Japanese font so that screens and screenshots render Japanese. Idempotent and quick when
// everything is present. Browsers are never downloaded by a test tool; they come from Debian.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const missing = [];
if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
const fonts = spawnSync('fc-list', [':lang=ja', 'family'], { encoding: 'utf8' });
if (fonts.status !== 0 || fonts.stdout.trim() === '') missing.push('fonts-noto-cjk', 'fontconfig');

if (missing.length === 0) {
  console.log('system-deps: chromium and a Japanese font are present');
  process.exit(0);
}

const isRoot = process.getuid?.() === 0;
const sudo = isRoot ? [] : ['sudo', '-n'];
console.log(`system-deps: installing ${missing.join(' ')} with apt-get`);
const run = (args) => {
  const [cmd, ...rest] = [...sudo, ...args];
  execFileSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
};
try {
  run(['apt-get', '-o', 'DPkg::Lock::Timeout=300', 'update', '-q']);
  run([
    'apt-get',
    '-o',
    'DPkg::Lock::Timeout=300',
    'install',
    '-y',
    '-q',
    '--no-install-recommends',
    ...missing,
  ]);
} catch (error) {
  console.error(`system-deps: could not install ${missing.join(' ')} (${error.message}).`);
  console.error('Install them as root: apt-get install -y chromium fonts-noto-cjk');
  process.exit(1);
}
