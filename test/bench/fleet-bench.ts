/**
 * `npm run bench:fleet`: one gateway (the test fixture: HTTPS + mutual TLS, in-memory PGlite), N simulated
 * terminals enrolled through the real enrolment service, each with its own TLS client; one dashboard socket.
 *   1. every terminal sends its snapshot;
 *   2. heartbeat throughput: all terminals send heartbeats back to back (C in flight) for a few seconds;
 *   3. jam latency: under a background heartbeat load at the real rate (N / 15 s), jams from random
 *      terminals; each is timed from the start of its POST to the dashboard's `terminal` event showing it.
 *
 *   npm run bench:fleet [-- N JAMS]     (default 1000 terminals, 200 jams; goal: p99 ≤ 1 s)
 */
import { kioskCall, startGatewayFixture, type GatewayFixture } from 'hq-gateway/testing/gateway-fixture';
import { enrollTestTerminal, type TestTerminal } from 'hq-gateway/testing/terminal-tls';
import { TerminalSummary } from 'hq-gateway/fleet/ops-schemas';
import { idleDeviceStatus as status } from 'kiosk-agent/hq/testing/device-status';
import { connected, liveSocket, testOperator } from 'hq-gateway/fleet/testing/ops-client';

const N = Number(process.argv[2] ?? 1000);
const JAMS = Number(process.argv[3] ?? 200);
const IN_FLIGHT = 32;
const THROUGHPUT_MS = 8000;

async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function post(fx: GatewayFixture, terminal: TestTerminal, body: unknown): Promise<void> {
  const answer = await kioskCall(fx, terminal, 'POST', '/v1/kiosk/status', body);
  if (answer.status !== 200) throw new Error(`status POST ${answer.status}: ${answer.text}`);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const fx = await startGatewayFixture();
try {
  let t = performance.now();
  const ids = Array.from({ length: N }, (_, i) => `T-BENCH-${String(i + 1).padStart(5, '0')}`);
  const terminals: TestTerminal[] = [];
  await pool(ids, 8, async (id) => {
    terminals.push(await enrollTestTerminal(fx.db, fx.tls, id, fx.clock.now));
  });
  console.log(`enrolled ${N} terminals in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  await pool(terminals, IN_FLIGHT, (terminal) => post(fx, terminal, { kind: 'snapshot', status }));
  console.log(
    `${N} snapshots in ${((performance.now() - t) / 1000).toFixed(1)} s (includes each TLS handshake)`,
  );

  const operator = await testOperator(fx, 'viewer');
  const socket = liveSocket(fx, operator.cookie);
  await connected(socket);
  const waiting = new Map<string, (at: number) => void>();
  socket.on('terminal', (payload: { terminal: unknown }) => {
    const at = performance.now();
    const parsed = TerminalSummary.safeParse(payload.terminal);
    if (parsed.success && parsed.data.status?.printer === 'jam') waiting.get(parsed.data.id)?.(at);
  });

  // Heartbeat throughput, two ways: round robin over the whole fleet (each terminal's connection has gone
  // idle past the keep-alive timeouts, so every heartbeat pays a mutual-TLS handshake, as a kiosk beating
  // every 15 s does today), and from IN_FLIGHT terminals back to back (connections reused: the route's cost).
  const throughput = async (label: string, pick: (worker: number, n: number) => TestTerminal) => {
    let beats = 0;
    const until = performance.now() + THROUGHPUT_MS;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async (_, worker) => {
        while (performance.now() < until) {
          await post(fx, pick(worker, beats), { kind: 'heartbeat' });
          beats += 1;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `heartbeats, ${label}: ${beats} in ${seconds.toFixed(1)} s = ${(beats / seconds).toFixed(0)}/s ` +
        `(${IN_FLIGHT} in flight; the fleet needs ${(N / 15).toFixed(0)}/s)`,
    );
  };
  let index = 0;
  await throughput('whole fleet, new TLS connection each', () => terminals[index++ % N]!);
  await throughput('kept-alive connections', (worker) => terminals[worker % N]!);

  // Background heartbeats offered at the real rate (N / 15 s) while jams are timed; at most IN_FLIGHT pending
  // (a real kiosk never sends its next heartbeat before the last one was answered).
  let stop = false;
  let backgroundDone = 0;
  let pending = 0;
  const backgroundStarted = performance.now();
  const background = (async () => {
    let i = 0;
    while (!stop) {
      if (pending < IN_FLIGHT) {
        pending += 1;
        void post(fx, terminals[i++ % N]!, { kind: 'heartbeat' })
          .catch(() => undefined)
          .finally(() => {
            pending -= 1;
            backgroundDone += 1;
          });
      }
      await new Promise((resolve) => setTimeout(resolve, 15_000 / N));
    }
  })();

  const latencies: number[] = [];
  for (let j = 0; j < JAMS; j++) {
    const terminal = terminals[Math.floor(Math.random() * N)]!;
    const started = performance.now();
    const seen = new Promise<number>((resolve) => waiting.set(terminal.id, resolve));
    await post(fx, terminal, { kind: 'change', fields: { printer: 'jam', jamWhere: 'fuser' } });
    latencies.push((await seen) - started);
    waiting.delete(terminal.id);
    await post(fx, terminal, { kind: 'change', fields: { printer: 'idle', jamWhere: null } });
  }
  stop = true;
  await background;
  const backgroundRate = backgroundDone / ((performance.now() - backgroundStarted) / 1000);
  socket.close();

  latencies.sort((a, b) => a - b);
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  console.log(
    `jam POST → dashboard event (${JAMS} jams, ${N} terminals): p50 ${ms(percentile(latencies, 50))}, ` +
      `p95 ${ms(percentile(latencies, 95))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1)!)} ` +
      `— goal p99 ≤ 1000 ms: ${percentile(latencies, 99) <= 1000 ? 'met' : 'NOT met'}`,
  );
  console.log(
    `background heartbeats answered meanwhile: ${backgroundRate.toFixed(0)}/s (offered ${(N / 15).toFixed(0)}/s)`,
  );
} finally {
  await fx.close();
}
