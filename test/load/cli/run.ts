/**
 * `npm run load -- --kiosks 200 --seconds 60 [--rate 100[,150,…]] [--gateways 1] [--keep]`
 *
 * Seeds a temporary data folder, starts HQ gateway process(es) on it (PGlite by default; PostgreSQL when
 * DATABASE_URL is set — then several gateways share it), enrolls one terminal per simulated kiosk through
 * the real /v1/enroll route, and runs full transactions from every kiosk (see simulated-kiosk.ts):
 * - without --rate, back to back (closed loop): the most HQ can take; latency is then mostly queueing;
 * - with --rate, the fleet offers that many transactions per second (open loop, pacing.ts), for --seconds
 *   per rate when several are given: the latency HQ gives at that load.
 * Prints transactions per second, latency percentiles per step, the errors, and the CPU time each process
 * used per transaction (gateways, PostgreSQL when it runs on this machine, the load generator itself).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { databaseConfig, openDatabase } from 'hq-gateway/db/open';
import { runMigrations } from 'hq-gateway/db/migrate';
import { gatewayPaths } from 'hq-gateway/server';
import { createEnrollmentCode } from 'hq-gateway/terminals/enrollment-codes';
import { loadProfile } from 'kiosk-agent/card/emulator/profile-store';
import { enrollKiosk } from 'kiosk-agent/hq/enroll';
import { loadTerminalIdentity, type TerminalIdentity } from 'kiosk-agent/hq/tls';
import pino from 'pino';
import { waitForUrl } from '../../../deploy/src/local/demo-enrollment';
import { ensureDemoData, demoPaths } from '../../../deploy/src/local/seed';
import { cpuPerTransaction, cpuSnapshot } from '../cpu-usage';
import { pacing, parseRates } from '../pacing';
import { newStats, SimulatedKiosk, type LoadStats } from '../simulated-kiosk';
import { freePort } from '../../support/free-port';

const { values } = parseArgs({
  options: {
    kiosks: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '60' },
    gateways: { type: 'string', default: '1' },
    rate: { type: 'string' },
    cards: { type: 'string', default: 'demo-taro,demo-hanako' },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
});
const kiosks = Number(values.kiosks);
const seconds = Number(values.seconds);
const gatewayCount = Number(values.gateways);
if (![kiosks, seconds, gatewayCount].every((n) => Number.isInteger(n) && n > 0)) {
  console.error('--kiosks, --seconds and --gateways take whole numbers > 0');
  process.exit(2);
}
let rates: number[] | null = null;
try {
  rates = values.rate === undefined ? null : parseRates(values.rate);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const databaseUrl = process.env.DATABASE_URL;
if (gatewayCount > 1 && !databaseUrl) {
  console.error('several gateways need a shared PostgreSQL: set DATABASE_URL');
  process.exit(2);
}

const root = await mkdtemp(path.join(os.tmpdir(), 'kiosk-load-'));
const dataDir = path.join(root, 'data');
const children: ChildProcess[] = [];
try {
  const t0 = performance.now();
  await ensureDemoData(dataDir);
  const codes = await enrollmentCodes(kiosks);
  const ca = await readFile(path.join(dataDir, 'hq', 'tls', 'ca.pem'), 'utf8');
  const urls = await Promise.all(Array.from({ length: gatewayCount }, () => startGateway(ca)));
  const identities = await enrollAll(codes, urls, ca);
  const profiles = await Promise.all(
    values.cards.split(',').map((id) => loadProfile(demoPaths(dataDir).card(id.trim()))),
  );
  console.log(
    `ready in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${gatewayCount} gateway(s) on ` +
      `${databaseUrl ? 'PostgreSQL' : 'PGlite'}, ${kiosks} kiosks enrolled, cards ${values.cards}`,
  );

  // A short warm-up (JIT, connection pools, certificate caches), then the measured run(s), by the same kiosks.
  const fleet = identities.map((identity, i) => new SimulatedKiosk(identity, profiles[i % profiles.length]!));
  await runFor(fleet, 3, null);
  const verdicts: string[] = [];
  for (const rate of rates ?? [null]) {
    const cpuBefore = await cpuSnapshot(gatewayPids(), postgresIsLocal());
    const { stats, elapsedS } = await runFor(fleet, seconds, rate);
    const cpu = cpuPerTransaction(
      cpuBefore,
      await cpuSnapshot(gatewayPids(), postgresIsLocal()),
      stats.transactions.count,
    );
    verdicts.push(report(stats, elapsedS, rate, cpu));
  }
  if (verdicts.length > 1) console.log(`\nsteps:\n${verdicts.join('\n')}`);
  console.log('goal: ≥ 700 tx/s at p99 ≤ 100 ms with 0 errors');
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map((c) => new Promise((r) => (c.exitCode !== null ? r(0) : c.once('exit', r)))),
  );
  if (!values.keep) await rm(root, { recursive: true, force: true });
  else console.log(`kept ${root}`);
}

/** The run's statistics and how long it took until its last transaction ended (≥ s seconds). */
async function runFor(
  fleet: SimulatedKiosk[],
  s: number,
  rate: number | null,
): Promise<{ stats: LoadStats; elapsedS: number }> {
  const stats = newStats();
  const start = performance.now();
  const until = start + s * 1000;
  const paced = rate === null ? null : pacing(rate, fleet.length, start);
  await Promise.all(
    fleet.map((kiosk, index) => kiosk.run(until, stats, paced ? { pacing: paced, index } : undefined)),
  );
  return { stats, elapsedS: (performance.now() - start) / 1000 };
}

/** Prints one run; returns its line for the summary of several steps. */
function report(
  stats: LoadStats,
  elapsedS: number,
  rate: number | null,
  cpu: Record<string, number>,
): string {
  const done = stats.transactions.count;
  // Over the time the transactions took to finish: an overloaded HQ finishes the last ones late, and
  // dividing by --seconds would credit it with the offered rate.
  const perSecond = done / elapsedS;
  const offered = rate === null ? 'back to back' : `offered ${rate} tx/s`;
  console.log(
    `\nfull transactions (${offered}): ${done} in ${elapsedS.toFixed(1)} s = ${perSecond.toFixed(1)} tx/s`,
  );
  console.log(`  transaction  ${stats.transactions.summary()}`);
  for (const [step, samples] of Object.entries(stats.steps)) {
    if (samples.count === 0) continue; // `late` in a closed-loop run
    console.log(`  ${step.padEnd(11)}  ${samples.summary()}`);
  }
  console.log(`errors: ${stats.errors.total} (${stats.errors.toString()})`);
  const cpuLine = Object.entries(cpu)
    .map(([group, ms]) => `${group} ${ms.toFixed(2)} ms`)
    .join(', ');
  const total = Object.values(cpu).reduce((a, b) => a + b, 0);
  console.log(
    `CPU per transaction: ${cpuLine}; total ${total.toFixed(2)} ms ` +
      `(${os.availableParallelism()} cores: at most ${((os.availableParallelism() * 1000) / total).toFixed(0)} tx/s)`,
  );
  const p99 = stats.transactions.percentile(99);
  return `  ${offered.padEnd(20)} ${perSecond.toFixed(1).padStart(7)} tx/s  p99 ${p99.toFixed(1)} ms  errors ${stats.errors.total}`;
}

function gatewayPids(): number[] {
  return children.map((c) => c.pid).filter((pid): pid is number => pid !== undefined);
}

/** PostgreSQL's processes count when the database is on this machine. */
function postgresIsLocal(): boolean {
  if (!databaseUrl) return false;
  const host = new URL(databaseUrl).hostname;
  return host === '' || host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

async function enrollmentCodes(n: number): Promise<string[]> {
  const db = await openDatabase(
    databaseConfig({ dataDir: gatewayPaths(dataDir).database, ...(databaseUrl && { databaseUrl }) }),
    pino({ level: 'silent' }),
  );
  try {
    await runMigrations(db);
    const codes: string[] = [];
    for (let i = 1; i <= n; i++) {
      const terminalId = `LOAD-${String(i).padStart(5, '0')}`;
      codes.push((await createEnrollmentCode(db, { terminalId })).code);
    }
    return codes;
  } finally {
    await db.close();
  }
}

async function enrollAll(codes: string[], urls: string[], ca: string): Promise<TerminalIdentity[]> {
  const identities: TerminalIdentity[] = [];
  for (let i = 0; i < codes.length; i += 20) {
    const batch = codes.slice(i, i + 20).map(async (code, j) => {
      const dir = path.join(root, 'kiosks', String(i + j));
      await enrollKiosk({ hqUrl: urls[(i + j) % urls.length]!, code, dataDir: dir, caPem: ca });
      return loadTerminalIdentity(dir);
    });
    identities.push(...(await Promise.all(batch)));
  }
  return identities;
}

async function startGateway(ca: string): Promise<string> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      // e.g. LOAD_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the gateway under load
      ...(process.env.LOAD_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      '--import',
      'tsx',
      'hq-gateway/src/main.ts',
      '--data',
      dataDir,
      '--port',
      String(port),
    ],
    {
      // Every simulated kiosk enrols from this one address, far over the per-client enrolment limit.
      env: { ...process.env, LOG_LEVEL: 'warn', HQ_RATE_LIMITS: 'enroll=1000000' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  children.push(child);
  const url = `https://127.0.0.1:${port}`;
  const died = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`))),
  );
  died.catch(() => undefined); // once started, its exit at the end of the run is expected
  await Promise.race([waitForUrl(`${url}/v1/health`, 60_000, ca), died]);
  return url;
}
