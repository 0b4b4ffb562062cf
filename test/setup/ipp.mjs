#!/usr/bin/env node
// Installs what the IPP printer tests need when it is missing (Debian): `ippeveprinter` (an IPP Everywhere
// printer, from cups-ipp-utils) and `dbus-daemon` (ippeveprinter needs a D-Bus to start). Idempotent and
// quick when both are present. test/printer/ippeveprinter.ts runs it before starting a printer, so
// `npx vitest run --project e2e test/printer` works on a fresh machine; run it by hand as root otherwise.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const wanted = [
  ['ippeveprinter', 'cups-ipp-utils'],
  ['dbus-daemon', 'dbus'],
];
// Debian puts ippeveprinter in /usr/sbin, which is not on a normal user's PATH.
const dirs = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const found = (program) => dirs.some((dir) => existsSync(`${dir}/${program}`));
const missing = wanted.filter(([program]) => !found(program)).map(([, pkg]) => pkg);

if (missing.length === 0) {
  console.log('ipp: ippeveprinter and dbus-daemon are present');
  process.exit(0);
}

const isRoot = process.getuid?.() === 0;
const sudo = isRoot ? [] : ['sudo', '-n'];
console.log(`ipp: installing ${missing.join(' ')} with apt-get`);
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
  console.error(`ipp: could not install ${missing.join(' ')} (${error.message}).`);
  console.error('Install them as root: apt-get install -y --no-install-recommends cups-ipp-utils dbus');
  process.exit(1);
}
