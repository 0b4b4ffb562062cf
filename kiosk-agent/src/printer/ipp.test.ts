import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ipp, { type IppGroup, type IppMessage } from 'ipp';
import { afterEach, describe, expect, it } from 'vitest';
import { KioskError } from '../errors';
import { IppPrinter, type IppPrinterOptions } from './ipp';
import { IppClient, IppError } from './ipp-client';
import { PrintInterrupted, type PrinterStatus } from './printer';

/**
 * IppPrinter and IppClient against a scripted IPP server, for what a real printer rarely does on cue:
 * silence, refusals, lost and stuck jobs. The ippeveprinter integration tests are in test/printer.
 */

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABc3UWCgAAAABJRU5ErkJggg==',
  'base64',
);

type Reply = { status?: string; printer?: IppGroup; job?: IppGroup } | 'hang' | 404;

class FakeIppServer {
  readonly requests: IppMessage[] = [];
  readonly documents: { format: unknown; bytes: number }[] = [];
  handler: (request: IppMessage) => Reply = () => ({});
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = ipp.parse(Buffer.concat(chunks));
      this.requests.push(request);
      const reply = this.handler(request);
      if (reply === 'hang') return; // never answers
      if (reply === 404) {
        res.writeHead(404).end();
        return;
      }
      const message: IppMessage = {
        version: '2.0',
        statusCode: reply.status ?? 'successful-ok',
        id: request.id,
        'operation-attributes-tag': { 'attributes-charset': 'utf-8', 'attributes-natural-language': 'en' },
      };
      if (reply.printer) message['printer-attributes-tag'] = reply.printer;
      if (reply.job) message['job-attributes-tag'] = reply.job;
      res.writeHead(200, { 'content-type': 'application/ipp' }).end(ipp.serialize(message));
    });
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `ipp://127.0.0.1:${(this.server.address() as AddressInfo).port}/ipp/print`;
  }

  operations(): string[] {
    return this.requests.map((r) => r.operation ?? '?');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const IDLE: IppGroup = {
  'printer-state': 'idle',
  'printer-state-reasons': 'none',
  'document-format-supported': ['application/pdf', 'image/png'],
};

let server: FakeIppServer;
let printer: IppPrinter | undefined;

afterEach(async () => {
  await printer?.close();
  printer = undefined;
  await server?.close();
});

async function setup(
  handler: (request: IppMessage) => Reply,
  options: IppPrinterOptions = {},
): Promise<{ printer: IppPrinter; url: string }> {
  server = new FakeIppServer();
  server.handler = handler;
  const url = await server.listen();
  printer = new IppPrinter(url, {
    name: 'Fake',
    pollMs: 50,
    printingPollMs: 10,
    requestTimeoutMs: 200,
    settleMs: 200,
    ...options,
  });
  return { printer, url };
}

function job(pages = 1) {
  return { jobId: 'j', pages: Array.from({ length: pages }, (_, i) => ({ png: PNG, label: `p${i + 1}` })) };
}

describe('IppClient', () => {
  it('derives the printer-uri and the HTTP endpoint from the URL', () => {
    expect(new IppClient('ipp://printer.local/ipp/print').printerUri).toBe(
      'ipp://printer.local:631/ipp/print',
    );
    expect(new IppClient('ipp://10.0.0.5:8631/ipp/print').printerUri).toBe('ipp://10.0.0.5:8631/ipp/print');
    expect(new IppClient('https://p.example/ipp/print').printerUri).toBe('ipps://p.example:443/ipp/print');
    expect(() => new IppClient('lpd://p/queue')).toThrow(TypeError);
  });

  it('tells unreachable, protocol and IPP status errors apart', async () => {
    await setup(() => 'hang');
    const client = new IppClient(printer!.url, { timeoutMs: 100 });
    await expect(client.getPrinterAttributes(['printer-state'])).rejects.toMatchObject({
      kind: 'unreachable',
      message: expect.stringMatching(/timed out/),
    });

    server.handler = () => 404;
    await expect(client.getPrinterAttributes(['printer-state'])).rejects.toMatchObject({ kind: 'protocol' });
    server.handler = () => ({ status: 'client-error-not-found' });
    const error = await client.getJobAttributes(9, ['job-state']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IppError);
    expect(error).toMatchObject({ kind: 'status', statusCode: 'client-error-not-found' });

    const closed = new IppClient('ipp://127.0.0.1:1/ipp/print', { timeoutMs: 1000 });
    await expect(closed.getPrinterAttributes(['printer-state'])).rejects.toMatchObject({
      kind: 'unreachable',
    });
  });

  it('sends the operation attributes IPP requires, in order', async () => {
    await setup(() => ({ job: { 'job-id': 3, 'job-state': 'pending' } }));
    const client = new IppClient(printer!.url, { userName: 'kiosk-7' });
    await client.printJob({
      data: PNG,
      format: 'image/png',
      jobName: 'x',
      jobAttributes: { media: 'iso_a4_210x297mm' },
    });
    const [request] = server.requests;
    expect(request?.operation).toBe('Print-Job');
    expect(Object.keys(request?.['operation-attributes-tag'] ?? {}).slice(0, 3)).toEqual([
      'attributes-charset',
      'attributes-natural-language',
      'printer-uri',
    ]);
    expect(request?.['operation-attributes-tag']).toMatchObject({
      'requesting-user-name': 'kiosk-7',
      'document-format': 'image/png',
    });
    expect(request?.['job-attributes-tag']).toEqual({ media: 'iso_a4_210x297mm' });
  });
});

describe('IppPrinter (scripted server)', () => {
  it('is offline while the printer does not answer in time, and idle once it does', async () => {
    let answering = false;
    const { printer } = await setup(() => (answering ? { printer: IDLE } : 'hang'));
    expect(await printer.start()).toEqual({ state: 'offline' }); // unknown until it answers
    await expect(printer.print(job())).rejects.toMatchObject({
      pagesPrinted: 0,
      fault: { state: 'offline' },
    });
    answering = true;
    expect(await printer.refresh()).toEqual({ state: 'idle' });
  });

  it('maps printer-state-reasons, whatever their suffix', async () => {
    let printerAttributes: IppGroup = IDLE;
    const { printer } = await setup(() => ({ printer: printerAttributes }));
    const cases: [IppGroup, PrinterStatus][] = [
      [
        { 'printer-state': 'processing', 'printer-state-reasons': 'media-jam-warning' },
        { state: 'jam', where: 'paper path' },
      ],
      [
        { 'printer-state': 'stopped', 'printer-state-reasons': ['door-open-error', 'media-low-report'] },
        { state: 'coverOpen' },
      ],
      [{ 'printer-state': 'idle', 'printer-state-reasons': 'media-needed-error' }, { state: 'paperOut' }],
      [
        { 'printer-state': 'stopped', 'printer-state-reasons': 'marker-waste-full-error' },
        { state: 'offline' },
      ],
      [
        {
          'printer-state': 'idle',
          'printer-state-reasons': ['media-low-report', 'marker-supply-low-warning'],
        },
        { state: 'idle', warnings: ['paperLow', 'tonerLow'] },
      ],
    ];
    for (const [attributes, expected] of cases) {
      printerAttributes = attributes;
      expect(await printer.refresh()).toEqual(expected);
    }
  });

  it('reports a refused job as interrupted with no page printed', async () => {
    const { printer } = await setup((request): Reply =>
      request.operation === 'Print-Job' ? { status: 'server-error-not-accepting-jobs' } : { printer: IDLE },
    );
    const error = await printer.print(job(2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrintInterrupted);
    expect(error).toMatchObject({ pagesPrinted: 0, pages: 2, fault: undefined });
    expect(printer.status()).toEqual({ state: 'idle' });
  });

  it('cancels a job that makes no progress', async () => {
    const { printer } = await setup(
      (request) =>
        request.operation === 'Print-Job' || request.operation === 'Get-Job-Attributes'
          ? { job: { 'job-id': 4, 'job-state': 'pending' } }
          : { printer: IDLE },
      { stallTimeoutMs: 100 },
    );
    await expect(printer.print(job())).rejects.toMatchObject({ pagesPrinted: 0, fault: undefined });
    expect(server.operations()).toContain('Cancel-Job');
  });

  it('stops when the printer forgets the job, keeping the pages it reported', async () => {
    let polls = 0;
    const { printer } = await setup((request): Reply => {
      if (request.operation === 'Print-Job') return { job: { 'job-id': 5, 'job-state': 'pending' } };
      if (request.operation === 'Get-Job-Attributes') {
        polls += 1;
        return polls < 3
          ? { job: { 'job-id': 5, 'job-state': 'processing', 'job-impressions-completed': 1 } }
          : { status: 'client-error-not-found' };
      }
      return { printer: IDLE };
    });
    await expect(printer.print(job(3))).rejects.toMatchObject({
      pagesPrinted: 1,
      pages: 3,
      fault: undefined,
    });
  });

  it('finishes the job, then shows what the printer reports next', async () => {
    let done = false;
    const { printer } = await setup((request): Reply => {
      if (request.operation === 'Print-Job') return { job: { 'job-id': 6, 'job-state': 'processing' } };
      if (request.operation === 'Get-Job-Attributes') {
        done = true;
        return { job: { 'job-id': 6, 'job-state': 'completed', 'job-impressions-completed': 2 } };
      }
      return { printer: done ? { ...IDLE, 'printer-state-reasons': 'media-empty-report' } : IDLE };
    });
    await expect(printer.print(job(2))).resolves.toEqual({ jobId: 'j', pagesPrinted: 2 });
    expect(printer.status()).toEqual({ state: 'paperOut' });
  });

  it('sends PNG pages one job each when the printer takes no PDF, and refuses a printer that takes neither', async () => {
    let formats = ['image/png'];
    let jobId = 0;
    const { printer } = await setup((request): Reply => {
      if (request.operation === 'Print-Job') return { job: { 'job-id': ++jobId, 'job-state': 'pending' } };
      if (request.operation === 'Get-Job-Attributes') {
        return { job: { 'job-id': jobId, 'job-state': 'completed', 'job-impressions-completed': 1 } };
      }
      return { printer: { ...IDLE, 'document-format-supported': formats } };
    });
    await printer.start();
    await expect(printer.print(job(2))).resolves.toMatchObject({ pagesPrinted: 2 });
    const printJobs = server.requests.filter((r) => r.operation === 'Print-Job');
    expect(printJobs.map((r) => r['operation-attributes-tag']?.['document-format'])).toEqual([
      'image/png',
      'image/png',
    ]);
    expect(printJobs.map((r) => r['operation-attributes-tag']?.['job-name'])).toEqual(['j p1', 'j p2']);

    formats = ['image/pwg-raster'];
    await printer.refresh();
    const error = await printer.print(job()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KioskError);
    expect(error).not.toBeInstanceOf(PrintInterrupted);
  });
});
