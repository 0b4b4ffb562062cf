import { readdir, readFile } from 'node:fs/promises';

/**
 * CPU time used by the processes under load (Linux /proc), to put each one's cost per transaction next to
 * the throughput: on a small machine the gateways, PostgreSQL and the load generator share the same cores.
 */
export type CpuGroups = Record<string, number>;

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

/** utime + stime of one process in ms; 0 when it is gone or /proc is not there. */
async function processCpuMs(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Every local PostgreSQL server process (postmaster and backends), found by their command line. */
async function postgresPids(): Promise<number[]> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (e) => {
        const cmdline = await readFile(`/proc/${e}/cmdline`, 'utf8').catch(() => '');
        if (cmdline.startsWith('postgres')) pids.push(Number(e));
      }),
  );
  return pids;
}

/**
 * A snapshot of CPU ms per group: `load generator` (this process), `gateways` (the given pids) and,
 * when asked, `PostgreSQL` (all local server processes).
 */
export async function cpuSnapshot(gatewayPids: number[], withPostgres: boolean): Promise<CpuGroups> {
  const own = process.cpuUsage();
  const groups: CpuGroups = {
    'load generator': (own.user + own.system) / 1000,
    gateways: (await Promise.all(gatewayPids.map(processCpuMs))).reduce((a, b) => a + b, 0),
  };
  if (withPostgres) {
    groups.PostgreSQL = (await Promise.all((await postgresPids()).map(processCpuMs))).reduce(
      (a, b) => a + b,
      0,
    );
  }
  return groups;
}

/** CPU ms per transaction of each group between two snapshots (a backend that exited is undercounted). */
export function cpuPerTransaction(before: CpuGroups, after: CpuGroups, transactions: number): CpuGroups {
  const out: CpuGroups = {};
  for (const [group, ms] of Object.entries(after)) {
    out[group] = transactions > 0 ? (ms - (before[group] ?? 0)) / transactions : Number.NaN;
  }
  return out;
}
