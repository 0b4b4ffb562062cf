import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { createTerminalCsr } from 'hq-gateway/pki/terminal-csr';
import { HqErrorBody } from 'hq-gateway/api/schemas';
import { EnrollResponse } from 'hq-gateway/terminals/enroll-contract';
import { fetch } from 'undici';
import { hqDispatcher, terminalFiles } from './tls';

/**
 * Enrolment, the kiosk's side: generate a P-256 key here (it never leaves the kiosk), send a CSR with the
 * operator's one-time code to HQ's POST /v1/enroll, check what comes back, and store key, certificate,
 * HQ's CA and {terminalId, hqUrl} in <data>/kiosk/. Enrolling again replaces them (HQ revokes the old one).
 */

export type EnrollFailure = 'HQ_UNAVAILABLE' | 'CODE_REFUSED' | 'REQUEST_REFUSED' | 'ANSWER_INVALID';

export class EnrollError extends Error {
  constructor(
    readonly code: EnrollFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EnrollError';
  }
}

export interface EnrollOptions {
  /** https://… */
  hqUrl: string;
  code: string;
  dataDir: string;
  /** PEM of HQ's TLS CA to trust for this request (and to pin later); default: the system's CAs. */
  caPem?: string;
  timeoutMs?: number;
}

export async function enrollKiosk(options: EnrollOptions): Promise<{ terminalId: string; notAfter: string }> {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const csr = await createTerminalCsr(keys);
  const dispatcher = hqDispatcher(options.caPem === undefined ? {} : { ca: options.caPem });
  let status: number;
  let json: unknown;
  try {
    const response = await fetch(new URL('/v1/enroll', options.hqUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: options.code, csr }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      dispatcher,
    });
    status = response.status;
    json = await response.json().catch(() => undefined);
  } catch (error) {
    throw new EnrollError('HQ_UNAVAILABLE', `${options.hqUrl} unreachable`, { cause: error });
  } finally {
    await dispatcher.close();
  }
  if (status !== 201) {
    const refusal = HqErrorBody.safeParse(json);
    const code = refusal.success ? refusal.data.error.code : undefined;
    if (code === 'TERMINAL_UNAUTHENTICATED') {
      throw new EnrollError('CODE_REFUSED', 'the enrolment code is unknown, used or expired');
    }
    const detail = refusal.success ? `${code}: ${refusal.data.error.message}` : `HTTP ${status}`;
    throw new EnrollError('REQUEST_REFUSED', `HQ refused the enrolment (${detail})`);
  }
  const answer = EnrollResponse.safeParse(json);
  if (!answer.success) throw new EnrollError('ANSWER_INVALID', 'malformed answer from /v1/enroll');
  await checkCertificate(answer.data.certificate, answer.data.terminalId, keys.publicKey);

  const files = terminalFiles(options.dataDir);
  await mkdir(files.dir, { recursive: true });
  const keyPem = pkcs8Pem(new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey)));
  // The certificate is written last: a kiosk interrupted half-way is "not enrolled", never half-enrolled.
  await writeAtomically(files.key, keyPem, 0o600);
  await writeAtomically(files.hqCa, options.caPem ?? answer.data.hqCaCertificate, 0o644);
  const config = { terminalId: answer.data.terminalId, hqUrl: options.hqUrl };
  await writeAtomically(files.config, `${JSON.stringify(config, null, 2)}\n`, 0o644);
  await writeAtomically(files.certificate, answer.data.certificate, 0o644);
  return { terminalId: answer.data.terminalId, notAfter: answer.data.notAfter };
}

/** HQ must have certified our key, for the terminal it says, as a client certificate. */
async function checkCertificate(pem: string, terminalId: string, publicKey: CryptoKey): Promise<void> {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (error) {
    throw new EnrollError('ANSWER_INVALID', 'unreadable certificate from HQ', { cause: error });
  }
  const ours = Buffer.from(await crypto.subtle.exportKey('spki', publicKey));
  const certified = cert.publicKey.export({ type: 'spki', format: 'der' });
  if (!ours.equals(certified) || !cert.subjectAltName?.includes(`URI:urn:kiosk:terminal:${terminalId}`)) {
    throw new EnrollError('ANSWER_INVALID', 'HQ returned a certificate for another key or terminal');
  }
}

function pkcs8Pem(der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

async function writeAtomically(file: string, text: string, mode: number): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode });
  await chmod(temporary, mode);
  await rename(temporary, file);
}
