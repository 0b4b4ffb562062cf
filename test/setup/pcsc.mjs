#!/usr/bin/env node
// Brings up the real PC/SC stack for the device tests and the card benchmark (Debian, no hardware):
// pcscd + the vsmartcard-vpcd reader driver from apt, the `pcsclite` native addon built against the local
// headers, a pcscd running in the background, and the loopback route that removes vpcd's delayed-ACK latency.
// Idempotent and quick when everything is in place (see /work/shared/notes/virtual-reader.md for the facts).
//
// Usable as a script (`node test/setup/pcsc.mjs`, exit code 0 and one summary line) and as a module
// (`setupPcsc()`, `startPcscd()`, `stopPcscd()`, `restartPcscd()`), e.g. from test/setup/system-deps.mjs.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { aptInstall, asRoot } from './apt.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const APT_PACKAGES = ['pcscd', 'libpcsclite-dev', 'pcsc-tools', 'opensc', 'vsmartcard-vpcd'];
/** vpcd's first slot (0x8C7B, from /etc/reader.conf.d/vpcd): pcscd listens here once vpcd is loaded. */
export const VPCD_PORT = 35963;
export const PCSCD_LOG = join(tmpdir(), 'kiosk-pcscd.log');
const QUICKACK_ROUTE = [
  'local',
  '127.0.0.2/32',
  'dev',
  'lo',
  'table',
  'local',
  'src',
  '127.0.0.2',
  'quickack',
  '1',
];

function run(args, options = {}) {
  const [cmd, ...rest] = asRoot(args);
  execFileSync(cmd, rest, {
    stdio: options.quiet ? 'ignore' : ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', ...options.env },
    cwd: options.cwd,
  });
}

function missingPackages() {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...APT_PACKAGES], {
    encoding: 'utf8',
  });
  const installed = new Set(
    result.stdout
      .split('\n')
      .filter((line) => line.endsWith(' installed'))
      .map((line) => line.split(' ')[0]),
  );
  return APT_PACKAGES.filter((name) => !installed.has(name));
}

/** Process ids of running pcscd daemons (there can be only one per machine). */
export function pcscdPids() {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'pcscd') pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Whether something listens on the TCP port (IPv4 or IPv6), read from /proc: no tools needed. */
export function isListening(port) {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is ADDR:PORT; state 0A is LISTEN.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A') return true;
    }
  }
  return false;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what, predicate, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Starts pcscd in the background (never --auto-exit: the tests need it to stay) and waits for vpcd's port. */
export async function startPcscd() {
  if (pcscdPids().length > 0) return;
  const log = openSync(PCSCD_LOG, 'a');
  const [cmd, ...rest] = asRoot(['pcscd', '--foreground']);
  const child = spawn(cmd, rest, { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  await waitFor('pcscd to load vpcd (port 35963)', () => isListening(VPCD_PORT), 10_000);
}

/** Stops every pcscd (by process id) and waits until it is gone. */
export async function stopPcscd() {
  for (const pid of pcscdPids()) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  await waitFor('pcscd to exit', () => pcscdPids().length === 0 && !isListening(VPCD_PORT), 10_000);
}

export async function restartPcscd() {
  await stopPcscd();
  await startPcscd();
}

function quickackRouteApplied() {
  const result = spawnSync('ip', ['route', 'show', 'table', 'local', '127.0.0.2'], { encoding: 'utf8' });
  return result.status === 0 && /quickack 1/.test(result.stdout);
}

function addonLoads() {
  // A child process: a half-built addon must not poison this process's module cache.
  const probe = spawnSync(process.execPath, ['-e', "require('pcsclite')"], { cwd: ROOT, encoding: 'utf8' });
  return probe.status === 0;
}

/** Makes `require('pcsclite')` work. Returns what was done ('present', 'rebuilt' or 'installed'). */
function ensureAddon() {
  if (addonLoads()) return 'present';
  // node-gyp cannot download headers here: build against Debian's /usr/include/node.
  const env = { npm_config_nodedir: '/usr' };
  const require = createRequire(join(ROOT, 'package.json'));
  let packageFound = true;
  try {
    require.resolve('pcsclite/package.json');
  } catch {
    packageFound = false;
  }
  const npm = (args) =>
    execFileSync('npm', args, {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ...env },
    });
  if (packageFound) {
    // Installed but not built (no libpcsclite-dev at `npm ci` time, or install scripts skipped).
    npm(['rebuild', 'pcsclite']);
  } else {
    // npm removes an optional dependency whose build failed; `npm install` restores it from the lockfile.
    npm(['install', '--no-audit', '--no-fund']);
  }
  if (!addonLoads()) throw new Error('the pcsclite addon still does not load (see the build output above)');
  return packageFound ? 'rebuilt' : 'installed';
}

/** Installs and starts what is missing; resolves with a one-line summary. Throws with a readable message. */
export async function setupPcsc() {
  const done = [];
  const missing = missingPackages();
  if (missing.length > 0) {
    aptInstall(missing, { quiet: true });
    done.push(`installed ${missing.join(' ')}`);
  }

  const addon = ensureAddon();
  if (addon !== 'present') done.push(`${addon} pcsclite`);

  if (pcscdPids().length > 0 && !isListening(VPCD_PORT)) {
    // pcscd reads /etc/reader.conf.d/ only at start: one started before vpcd was installed has no vpcd slots.
    await restartPcscd();
    done.push('restarted pcscd (vpcd was not loaded)');
  } else if (pcscdPids().length === 0) {
    await startPcscd();
    done.push('started pcscd');
  }

  let route = 'quickack route';
  if (!quickackRouteApplied()) {
    try {
      run(['ip', 'route', 'replace', ...QUICKACK_ROUTE], { quiet: true });
      done.push('added the 127.0.0.2 quickack route');
    } catch {
      // Not fatal: everything works, but each APDU waits ~40 ms for a delayed ACK.
      route = 'NO quickack route (APDUs slow, needs root)';
    }
  }
  const pid = pcscdPids()[0];
  return `pcsc: ${done.length > 0 ? done.join(', ') : 'all present'}; pcscd ${pid} with vpcd on :${VPCD_PORT}; ${route}`;
}

const ACTIONS = {
  '--stop-pcscd': async () => {
    await stopPcscd();
    return 'pcsc: pcscd stopped';
  },
  '--restart-pcscd': async () => {
    await restartPcscd();
    return `pcsc: pcscd restarted (${pcscdPids()[0]})`;
  },
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // No argument: set everything up. --stop-pcscd / --restart-pcscd: for the device tests (test/devices/pcscd.ts).
  const action = ACTIONS[process.argv[2] ?? ''] ?? setupPcsc;
  try {
    console.log(await action());
  } catch (error) {
    console.error(`pcsc: ${error instanceof Error ? error.message : String(error)}`);
    if (action === setupPcsc) {
      console.error(`Install as root: apt-get install -y --no-install-recommends ${APT_PACKAGES.join(' ')}`);
    }
    process.exit(1);
  }
}
