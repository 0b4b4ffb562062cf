import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IppClient } from 'kiosk-agent/printer/ipp-client';
import { freePort } from '../support/free-port';

/**
 * A real IPP Everywhere printer for tests: CUPS' `ippeveprinter` on loopback, on a free port, with a
 * private D-Bus (it will not start without one) and test/printer/print-command.mjs as its print engine.
 * Installs cups-ipp-utils and dbus through test/setup/ipp.mjs when they are missing.
 *
 * Faults come from the engine (`failAt`: jam, paper out or cover open at a page of the next document)
 * and from ippeveprinter's web forms (`setPaper`, `setToner`: media and supply levels). `clearFaults`
 * is what staff do at the machine; `kill` and `restart` take the printer off the network and back.
 */

export type EngineFault = 'jam' | 'paperOut' | 'coverOpen';

export interface PrintedDocument {
  job: number;
  name: string;
  format: string;
  pages: number;
  completed: number;
  fault?: EngineFault;
}

interface Control {
  pageMs?: number;
  fault?: { kind: EngineFault; atPage: number; holdMs?: number; skip?: number };
}

const COMMAND = fileURLToPath(new URL('./print-command.mjs', import.meta.url));
const SETUP = fileURLToPath(new URL('../setup/ipp.mjs', import.meta.url));
const FORMATS = 'application/pdf,image/png,image/pwg-raster';

export class IppEvePrinter {
  private printer: ChildProcess | undefined;
  private printerExit: Promise<void> | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly name: string,
    private readonly dbus: ChildProcess,
    private readonly dbusAddress: string,
  ) {}

  /** `ipp://127.0.0.1:<port>/ipp/print` */
  get url(): string {
    return `ipp://127.0.0.1:${this.port}/ipp/print`;
  }

  static async start(options: { name?: string; pageMs?: number } = {}): Promise<IppEvePrinter> {
    ensureInstalled();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kiosk-ipp-'));
    await mkdir(path.join(dir, 'spool'));
    const wrapper = path.join(dir, 'print-command.sh');
    await writeFile(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${COMMAND}" "$@"\n`);
    await chmod(wrapper, 0o755);
    const { child: dbus, address } = await startDbus(dir);
    const printer = new IppEvePrinter(
      dir,
      await freePort(),
      options.name ?? 'Kiosk test printer',
      dbus,
      address,
    );
    await printer.control({ pageMs: options.pageMs ?? 100 });
    try {
      await printer.launch();
    } catch (error) {
      await printer.stop();
      throw error;
    }
    return printer;
  }

  /** Replaces the engine's control settings (see print-command.mjs). */
  async control(control: Control): Promise<void> {
    await writeFile(path.join(this.dir, 'control.json'), JSON.stringify(control));
  }

  /**
   * The next document (after `skip` more) faults at page `atPage`; the engine holds the job `holdMs`
   * before failing it.
   */
  async failAt(
    kind: EngineFault,
    atPage: number,
    options: { holdMs?: number; skip?: number } = {},
  ): Promise<void> {
    const current = JSON.parse(await readFile(path.join(this.dir, 'control.json'), 'utf8')) as Control;
    await this.control({ ...current, fault: { kind, atPage, ...options } });
  }

  /**
   * Staff cleared the jam / closed the cover: ippeveprinter only drops those reasons when its print
   * command says so, so this sends a tiny job whose command run does exactly that, and waits for it.
   */
  async clearFaults(): Promise<void> {
    const client = new IppClient(this.url, { userName: 'staff' });
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABc3UWCgAAAABJRU5ErkJggg==',
      'base64',
    );
    const { jobId } = await client.printJob({
      data: png,
      format: 'image/png',
      jobName: 'fake-printer-clear',
    });
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      const job = await client.getJobAttributes(jobId, ['job-state']);
      if (job['job-state'] === 'completed') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the clearing job did not complete');
  }

  /** Sheets in the main tray through the web form: 0 → media-empty, ≤ 5 → media-low. */
  async setPaper(sheets: 0 | 5 | 25 | 50 | 125 | 250): Promise<void> {
    const query = new URLSearchParams({
      size1: 'iso_a4_210x297mm',
      type1: 'stationery',
      level1: String(sheets),
      size3: 'na_number-10_4.125x9.5in',
      type3: 'envelope',
      level3: '-2',
    });
    await this.webForm(`/media?${query}`);
  }

  /** Black toner level in percent through the web form (low below ~10, empty at 0). */
  async setToner(percent: number): Promise<void> {
    await this.webForm(`/supplies?${new URLSearchParams({ supply0: '25', supply1: String(percent) })}`);
  }

  /** What the engine has "printed", oldest first. */
  async printed(): Promise<PrintedDocument[]> {
    try {
      const text = await readFile(path.join(this.dir, 'printed.jsonl'), 'utf8');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as PrintedDocument)
        .filter((doc) => doc.name !== 'fake-printer-clear');
    } catch {
      return [];
    }
  }

  /** Pulls the plug: SIGKILL to the printer and its running print command. */
  async kill(): Promise<void> {
    const child = this.printer;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await this.printerExit;
  }

  /** Starts the printer again on the same port (a fresh ippeveprinter: no faults, no old jobs). */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.kill();
    if (this.dbus.exitCode === null && this.dbus.signalCode === null) {
      const exited = new Promise((resolve) => this.dbus.once('exit', resolve));
      this.dbus.kill('SIGTERM');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  /** The printer's own log (stderr), for failure messages. */
  async log(): Promise<string> {
    return readFile(path.join(this.dir, 'ippeveprinter.log'), 'utf8').catch(() => '');
  }

  private async launch(): Promise<void> {
    const logFd = openSync(path.join(this.dir, 'ippeveprinter.log'), 'a');
    const child = spawn(
      findProgram('ippeveprinter'),
      // -n localhost: listen on loopback only. -k: keep spool files. -r off: no DNS-SD.
      [
        '-r',
        'off',
        '-n',
        'localhost',
        '-p',
        String(this.port),
        '-d',
        path.join(this.dir, 'spool'),
        '-k',
      ].concat(['-c', path.join(this.dir, 'print-command.sh'), '-f', FORMATS, this.name]),
      {
        detached: true, // own process group, so kill() reaches the print command too
        stdio: ['ignore', logFd, logFd],
        env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: this.dbusAddress, FAKE_PRINTER_DIR: this.dir },
      },
    );
    closeSync(logFd);
    this.printer = child;
    this.printerExit = new Promise((resolve) => child.once('exit', () => resolve()));
    const client = new IppClient(this.url, { timeoutMs: 1000 });
    const until = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`ippeveprinter exited (${child.exitCode}):\n${await this.log()}`);
      try {
        await client.getPrinterAttributes(['printer-state']);
        return;
      } catch (error) {
        if (Date.now() > until)
          throw new Error(`ippeveprinter did not answer: ${String(error)}\n${await this.log()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  private async webForm(pathAndQuery: string): Promise<void> {
    const response = await fetch(`http://127.0.0.1:${this.port}${pathAndQuery}`, {
      signal: AbortSignal.timeout(5000),
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${pathAndQuery}: HTTP ${response.status}`);
  }
}

function ensureInstalled(): void {
  if (programPath('ippeveprinter') && programPath('dbus-daemon')) return;
  execFileSync(process.execPath, [SETUP], { stdio: 'inherit' });
}

function programPath(program: string): string | undefined {
  return ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].map((dir) => path.join(dir, program)).find(existsSync);
}

function findProgram(program: string): string {
  const found = programPath(program);
  if (!found) throw new Error(`${program} not found; run node test/setup/ipp.mjs`);
  return found;
}

/** A session bus of our own; resolves once it listens. */
async function startDbus(dir: string): Promise<{ child: ChildProcess; address: string }> {
  const child = spawn(
    findProgram('dbus-daemon'),
    [
      '--session',
      '--nofork',
      '--nopidfile',
      `--address=unix:path=${path.join(dir, 'dbus.sock')}`,
      '--print-address=1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`dbus-daemon did not start: ${out}`)), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('unix:'));
      if (line) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dbus-daemon exited (${code}): ${out}`));
    });
  });
  return { child, address };
}
