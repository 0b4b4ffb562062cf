import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The real pcscd for device tests and benchmarks, driven through test/setup/pcsc.mjs (the one place that
 * knows how to install, start and stop it). Only one pcscd runs per machine: tests that restart it must not
 * run in parallel with other device tests (the e2e project runs files one at a time).
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SETUP = path.join(ROOT, 'test', 'setup', 'pcsc.mjs');
const run = promisify(execFile);

async function setupScript(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [SETUP, ...args], { cwd: ROOT, timeout: 300_000 });
    return stdout.trim();
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`node test/setup/pcsc.mjs ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`, {
      cause: error,
    });
  }
}

/** Installs what is missing (apt, the pcsclite addon), starts pcscd with vpcd, adds the quickack route. */
export function ensurePcscStack(): Promise<string> {
  return setupScript();
}

/** Starts pcscd when it is not running (a no-op otherwise). */
export async function startPcscd(): Promise<void> {
  await setupScript();
}

export async function stopPcscd(): Promise<void> {
  await setupScript('--stop-pcscd');
}

export async function restartPcscd(): Promise<void> {
  await setupScript('--restart-pcscd');
}
