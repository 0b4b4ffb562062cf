#!/usr/bin/env node
// Installs what the IPP printer tests need when it is missing (Debian): `ippeveprinter` (an IPP Everywhere
// printer, from cups-ipp-utils) and `dbus-daemon` (ippeveprinter needs a D-Bus to start). Idempotent and
// quick when both are present. test/printer/ippeveprinter.ts runs it before starting a printer, so
// `npx vitest run --project e2e test/printer` works on a fresh machine; run it by hand as root otherwise.
import { existsSync } from 'node:fs';
import { aptInstall } from './apt.mjs';

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

aptInstall(missing, { label: 'ipp', hint: ['cups-ipp-utils', 'dbus'] });
