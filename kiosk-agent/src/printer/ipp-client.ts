import http from 'node:http';
import https from 'node:https';
import ipp, { type IppGroup, type IppMessage, type IppValue } from 'ipp';

/**
 * A small IPP/1.1–2.0 client: npm `ipp` encodes and decodes the messages, the HTTP exchange is ours so
 * that every request has a timeout, a cap on the response size and errors that say whether the printer
 * could be reached at all (`ipp`'s own request helper has no timeout and logs to the console).
 */

export type IppErrorKind =
  /** No answer: connection refused or reset, DNS, timeout. The printer is off or unreachable. */
  | 'unreachable'
  /** An answer that is not IPP: HTTP error status, undecodable body. */
  | 'protocol'
  /** A well-formed IPP answer with an error status, e.g. `client-error-not-found`. */
  | 'status';

export class IppError extends Error {
  constructor(
    readonly kind: IppErrorKind,
    message: string,
    readonly statusCode?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'IppError';
  }
}

export interface IppClientOptions {
  /** Timeout of each request unless the call gives its own (default 5 s). */
  timeoutMs?: number;
  /** requesting-user-name (default `kiosk`). */
  userName?: string;
}

export interface PrintJobRequest {
  data: Buffer;
  /** document-format, e.g. `application/pdf`. */
  format: string;
  jobName: string;
  /** Job Template attributes, e.g. `{ media: 'iso_a4_210x297mm' }`. */
  jobAttributes?: IppGroup;
  timeoutMs?: number;
}

const MAX_RESPONSE_BYTES = 1 << 20;

// `ipp` logs every value tag it does not decode (no-value, unknown) to the console; those values
// carry nothing this client reads.
ipp.parse.handleUnknownTag = (_tag, _name, length, read) => (length ? read(length) : undefined);

export class IppClient {
  /** The printer-uri sent in requests, `ipp://host:port/path`. */
  readonly printerUri: string;
  private readonly endpoint: URL;
  private readonly timeoutMs: number;
  private readonly userName: string;
  private requestId = 0;

  /** `url`: `ipp://`, `ipps://`, `http://` or `https://` printer URL; IPP's default port is 631. */
  constructor(url: string, options: IppClientOptions = {}) {
    const parsed = new URL(url);
    const secure = parsed.protocol === 'ipps:' || parsed.protocol === 'https:';
    if (!['ipp:', 'ipps:', 'http:', 'https:'].includes(parsed.protocol)) {
      throw new TypeError(`not an IPP printer URL: ${url}`);
    }
    const isIpp = parsed.protocol === 'ipp:' || parsed.protocol === 'ipps:';
    const port = parsed.port || (isIpp ? '631' : secure ? '443' : '80');
    const path = parsed.pathname || '/';
    this.endpoint = new URL(`${secure ? 'https' : 'http'}://${parsed.hostname}:${port}${path}`);
    this.printerUri = `${secure ? 'ipps' : 'ipp'}://${parsed.port ? parsed.host : `${parsed.host}:${port}`}${path}`;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.userName = options.userName ?? 'kiosk';
  }

  async getPrinterAttributes(requested: readonly string[], timeoutMs?: number): Promise<IppGroup> {
    const response = await this.send(
      'Get-Printer-Attributes',
      { 'requested-attributes': [...requested] },
      { timeoutMs },
    );
    return firstGroup(response['printer-attributes-tag']);
  }

  /** Print-Job; resolves to the new job's id and its first job attributes. */
  async printJob(request: PrintJobRequest): Promise<{ jobId: number; attributes: IppGroup }> {
    const message: IppMessage = {};
    if (request.jobAttributes && Object.keys(request.jobAttributes).length > 0) {
      message['job-attributes-tag'] = request.jobAttributes;
    }
    const response = await this.send(
      'Print-Job',
      {
        'requesting-user-name': this.userName,
        'job-name': request.jobName.slice(0, 200),
        'document-format': request.format,
      },
      { timeoutMs: request.timeoutMs, extra: message, data: request.data },
    );
    const attributes = firstGroup(response['job-attributes-tag']);
    const jobId = attributes['job-id'];
    if (typeof jobId !== 'number') throw new IppError('protocol', 'Print-Job answer without job-id');
    return { jobId, attributes };
  }

  async getJobAttributes(jobId: number, requested: readonly string[], timeoutMs?: number): Promise<IppGroup> {
    const response = await this.send(
      'Get-Job-Attributes',
      { 'job-id': jobId, 'requesting-user-name': this.userName, 'requested-attributes': [...requested] },
      { timeoutMs },
    );
    return firstGroup(response['job-attributes-tag']);
  }

  async cancelJob(jobId: number, timeoutMs?: number): Promise<void> {
    await this.send('Cancel-Job', { 'job-id': jobId, 'requesting-user-name': this.userName }, { timeoutMs });
  }

  private async send(
    operation: string,
    attributes: IppGroup,
    options: { timeoutMs?: number | undefined; extra?: IppMessage; data?: Buffer },
  ): Promise<IppMessage> {
    this.requestId = (this.requestId % 0x7fffffff) + 1;
    let header: Buffer;
    try {
      header = ipp.serialize({
        ...options.extra,
        version: '2.0',
        operation,
        id: this.requestId,
        'operation-attributes-tag': {
          'attributes-charset': 'utf-8',
          'attributes-natural-language': 'en',
          'printer-uri': this.printerUri,
          ...attributes,
        },
      });
    } catch (error) {
      // The encoder throws strings for attributes it does not know.
      throw new IppError('protocol', `cannot encode ${operation}: ${String(error)}`);
    }
    const body = options.data ? Buffer.concat([header, options.data]) : header;
    const raw = await this.post(body, options.timeoutMs ?? this.timeoutMs, operation);
    let response: IppMessage;
    try {
      response = ipp.parse(raw);
    } catch (error) {
      throw new IppError('protocol', `${operation}: undecodable answer`, undefined, { cause: error });
    }
    const status = response.statusCode;
    if (typeof status !== 'string' || !status.startsWith('successful')) {
      throw new IppError('status', `${operation}: ${status ?? 'no status'}`, status);
    }
    return response;
  }

  private post(body: Buffer, timeoutMs: number, operation: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const transport = this.endpoint.protocol === 'https:' ? https : http;
      const request = transport.request(
        this.endpoint,
        {
          method: 'POST',
          headers: { 'content-type': 'application/ipp', 'content-length': body.length },
          signal: AbortSignal.timeout(timeoutMs),
          agent: false, // one connection per request: nothing half-open survives a printer restart
        },
        (response) => {
          if (response.statusCode !== 200) {
            response.resume();
            reject(new IppError('protocol', `${operation}: HTTP ${response.statusCode}`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              request.destroy(
                new IppError('protocol', `${operation}: answer over ${MAX_RESPONSE_BYTES} bytes`),
              );
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () => resolve(Buffer.concat(chunks, size)));
          response.on('error', (error) => reject(unreachable(operation, error)));
        },
      );
      request.on('error', (error) => reject(unreachable(operation, error)));
      request.end(body);
    });
  }
}

function unreachable(operation: string, error: Error): IppError {
  if (error instanceof IppError) return error;
  const reason = error.name === 'TimeoutError' || error.name === 'AbortError' ? 'timed out' : error.message;
  return new IppError('unreachable', `${operation}: ${reason}`, undefined, { cause: error });
}

function firstGroup(group: IppGroup | IppGroup[] | undefined): IppGroup {
  if (Array.isArray(group)) return group[0] ?? {};
  return group ?? {};
}

/** One value or several, as a list. */
export function values(value: IppValue | undefined): IppValue[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Keyword values (strings) of an attribute. */
export function keywords(value: IppValue | undefined): string[] {
  return values(value).filter((v): v is string => typeof v === 'string');
}
