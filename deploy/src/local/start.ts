/**
 * `npm start`: the whole system on embedded defaults. Seeds ./data on first start, then runs hq-gateway
 * (https://127.0.0.1:4200, mutual TLS for kiosks) and kiosk-agent (127.0.0.1:4100, serving the built kiosk
 * UI) as two processes, as on real machines, and stops both cleanly on Ctrl-C. On its first start the demo
 * kiosk enrols itself with a one-time code through HQ's real /v1/enroll; later starts reuse its certificate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareDemoDatabase, demoHqCa, enrollDemoKiosk, waitForUrl } from './demo-enrollment';
import { ensureDemoData } from './seed';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = path.resolve(process.env.KIOSK_DATA_DIR ?? path.join(root, 'data'));
const outputDir = path.resolve(process.env.KIOSK_OUTPUT_DIR ?? path.join(root, 'output'));
const hqPort = Number(process.env.HQ_PORT ?? 4200);
const kioskPort = Number(process.env.KIOSK_PORT ?? 4100);
const hqUrl = `https://127.0.0.1:${hqPort}`;
const kioskUrl = `http://127.0.0.1:${kioskPort}`;

const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, script: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, script), ...args], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env },
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }),
    ),
  );
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

const seeded = await ensureDemoData(dataDir);
if (seeded.created) console.log(`Created demo data in ${dataDir}`);
// Before the gateway starts: HQ's embedded database can be opened by one process only.
const prepared = await prepareDemoDatabase(dataDir, { haveCode: seeded.enrollmentCode !== undefined });
const enrollmentCode = seeded.enrollmentCode ?? prepared.enrollmentCode;
run('hq-gateway', 'hq-gateway/src/main.ts', [
  '--data',
  dataDir,
  '--host',
  '127.0.0.1',
  '--port',
  String(hqPort),
]);
await waitForUrl(`${hqUrl}/v1/health`, 60_000, await demoHqCa(dataDir));
if (enrollmentCode) {
  const enrolled = await enrollDemoKiosk(dataDir, hqUrl, enrollmentCode);
  console.log(`Enrolled the demo kiosk as ${enrolled.terminalId} (certificate until ${enrolled.notAfter})`);
}
run('kiosk-agent', 'kiosk-agent/src/main.ts', [
  '--data',
  dataDir,
  '--output',
  outputDir,
  '--port',
  String(kioskPort),
  '--hq',
  hqUrl,
]);
await waitForUrl(`${kioskUrl}/healthz`, 60_000);
console.log(`
  Kiosk (touchscreen UI)   ${kioskUrl}/
  Developer panel          ${kioskUrl}/dev
  HQ gateway               ${hqUrl}/v1/health
  Operator dashboard       ${hqUrl}/dashboard   (admin / demo-admin-2026; HQ's own CA: data/hq/tls/ca.pem)
  Seal verification        ${hqUrl}/verify
  Printed pages            ${outputDir}

  Ctrl-C stops both.`);
