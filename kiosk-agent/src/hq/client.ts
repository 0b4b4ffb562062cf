import { request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import {
  ChallengeResponse,
  CopyReportResponse,
  HqErrorBody,
  IssuanceResponse,
  KioskPinResetResponse,
  OfferResponse,
  PinResetOutcomeResponse,
  PinResetTokenResponse,
  ReplacementResponse,
  SessionResponse,
  StatusReportResponse,
  StaffCodesResponse,
  type ChallengePurpose,
  type CopyReportRequest,
  type HqErrorCode,
  type IssuanceRequest,
  type KioskPinResetRequest,
  type PinResetOutcomeRequest,
  type PinResetTokenRequest,
  type StatusReport,
} from 'hq-gateway/api/schemas';
import { KioskError } from '../errors';
import type { ErrorCode } from '../protocol/errors';
import { hqDispatcher, type TerminalTls } from './tls';

export interface TerminalCredentials {
  terminalId: string;
  /** Client key and certificate plus HQ's pinned CA (mutual TLS); absent only in tests that never reach HQ. */
  tls?: TerminalTls;
}

export interface HqClientOptions {
  baseUrl: string;
  credentials: TerminalCredentials;
  /** Per request, from connecting to the last byte of HQ's answer. */
  timeoutMs?: number;
  /** Extra attempts for idempotent requests when HQ cannot be reached. */
  retries?: number;
  /** The HTTP transport (undici's `request`); tests wrap it to see exactly what leaves the kiosk. */
  request?: typeof request;
}

/** How an HQ refusal reaches the user: the kiosk's own stable codes, never HQ's message text. */
function kioskCodeFor(code: HqErrorCode): ErrorCode {
  switch (code) {
    case 'CERTIFICATE_CHAIN_INVALID':
    case 'CERTIFICATE_EXPIRED':
    case 'CERTIFICATE_NOT_YET_VALID':
    case 'CERTIFICATE_REVOKED':
    case 'CERTIFICATE_MALFORMED':
    case 'SIGNATURE_INVALID':
      return 'CERTIFICATE_INVALID';
    case 'CARD_NOT_REGISTERED':
      return 'CARD_NOT_REGISTERED';
    case 'SERVICE_REFUSED':
      return 'SERVICE_REFUSED';
    case 'OPTIONS_INVALID':
      return 'OPTIONS_INVALID';
    case 'RESERVATION_NOT_FOUND':
      return 'PIN_RESET_NOT_RESERVED';
    case 'RESERVATION_EXPIRED':
      return 'PIN_RESET_EXPIRED';
    case 'RESERVATION_USED':
      return 'PIN_RESET_USED';
    case 'NO_SIGNATURE_CERTIFICATE':
      return 'PIN_RESET_NO_SIGNATURE_CERTIFICATE';
    default:
      return 'HQ_REJECTED';
  }
}

/** Thrown for an HQ answer that is an error; carries HQ's code for logs and the kiosk code for the UI. */
export class HqRefusal extends KioskError {
  constructor(
    readonly hqCode: HqErrorCode,
    readonly status: number,
  ) {
    super(kioskCodeFor(hqCode), `HQ ${status} ${hqCode}`);
  }
}

/**
 * The kiosk's HQ client: HTTPS with the terminal's client certificate (mutual TLS) on every request, every
 * answer validated with HQ's own schemas (imported, not redeclared), retries only where the request is
 * idempotent.
 */
export class HqClient {
  private readonly timeoutMs: number;
  private readonly retries: number;
  /** One connection pool per client: the terminal certificate on every connection, HQ's CA pinned. */
  private readonly dispatcher: Dispatcher;

  constructor(private readonly options: HqClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 2;
    this.dispatcher = hqDispatcher(options.credentials.tls ?? {});
  }

  get terminalId(): string {
    return this.options.credentials.terminalId;
  }

  createChallenge(purpose: ChallengePurpose) {
    return this.post('/v1/kiosk/challenges', { purpose }, ChallengeResponse, 0);
  }

  openSession(body: { challengeId: string; certificate: string; signature: string }) {
    // Not retried: the challenge is single use, a retry could only be refused.
    return this.post('/v1/kiosk/sessions', body, SessionResponse, 0);
  }

  /** What this resident may get now (types, options, fees, hours, refusals); read-only, so retried. */
  offer(sessionId: string) {
    const path = `/v1/kiosk/sessions/${encodeURIComponent(sessionId)}/offer`;
    return this.post(path, undefined, OfferResponse, this.retries, 'GET');
  }

  /** The store staff codes this terminal accepts, as scrypt records (never a code); read-only, so retried. */
  staffCodes() {
    return this.post('/v1/kiosk/staff-codes', undefined, StaffCodesResponse, this.retries, 'GET');
  }

  issue(body: IssuanceRequest) {
    return this.post('/v1/kiosk/issuances', body, IssuanceResponse, this.retries);
  }

  reportCopy(issuanceId: string, serial: string, body: CopyReportRequest) {
    const path = `/v1/kiosk/issuances/${encodeURIComponent(issuanceId)}/copies/${encodeURIComponent(serial)}`;
    return this.post(path, body, CopyReportResponse, this.retries);
  }

  /** A new serial for a copy reported spoiled (HQ voids the old one); idempotent per spoiled serial. */
  replaceCopy(issuanceId: string, serial: string) {
    const path = `/v1/kiosk/issuances/${encodeURIComponent(issuanceId)}/copies/${encodeURIComponent(serial)}/replacement`;
    return this.post(path, {}, ReplacementResponse, this.retries);
  }

  reportStatus(report: StatusReport) {
    return this.post('/v1/kiosk/status', report, StatusReportResponse, 0);
  }

  /** Claims the card's reservation for this terminal (not retried: the challenge is single use). */
  claimPinReset(body: KioskPinResetRequest) {
    return this.post('/v1/kiosk/pin-resets', body, KioskPinResetResponse, 0);
  }

  pinResetToken(resetId: string, body: PinResetTokenRequest) {
    return this.post(
      `/v1/kiosk/pin-resets/${encodeURIComponent(resetId)}/token`,
      body,
      PinResetTokenResponse,
      this.retries,
    );
  }

  pinResetOutcome(resetId: string, body: PinResetOutcomeRequest) {
    const path = `/v1/kiosk/pin-resets/${encodeURIComponent(resetId)}/outcome`;
    return this.post(path, body, PinResetOutcomeResponse, this.retries);
  }

  private async post<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    retries: number,
    method: 'GET' | 'POST' = 'POST',
  ): Promise<z.infer<S>> {
    const url = new URL(path, this.options.baseUrl);
    const payload = method === 'GET' ? undefined : JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      const answer = await this.send(url, method, payload).catch((error: unknown) => ({ error }));
      if ('error' in answer) {
        if (attempt < retries) continue;
        throw new KioskError('HQ_UNAVAILABLE', path, { cause: answer.error });
      }
      const { status } = answer;
      const json = parseJson(answer.text);
      if (status >= 200 && status < 300) {
        const parsed = schema.safeParse(json);
        if (!parsed.success) throw new KioskError('HQ_REJECTED', `malformed answer from ${path}`);
        return parsed.data;
      }
      if (status >= 500 && attempt < retries) continue;
      const error = HqErrorBody.safeParse(json);
      if (!error.success) {
        throw new KioskError(status >= 500 ? 'HQ_UNAVAILABLE' : 'HQ_REJECTED', `${path} ${status}`);
      }
      throw new HqRefusal(error.data.error.code, status);
    }
  }

  /** One exchange, its body read whole: a connection lost mid-answer is HQ unreachable, not a bad answer. */
  private async send(url: URL, method: 'GET' | 'POST', payload: string | undefined) {
    // undici's `request`, not `fetch`: no WHATWG streams per call, which were most of the client's CPU and
    // garbage (load generator profile). One deadline covers connecting, the answer and its body: a user is
    // waiting at the kiosk.
    const signal = AbortSignal.timeout(this.timeoutMs);
    const response = await (this.options.request ?? request)(url, {
      method,
      headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      body: payload,
      signal,
      dispatcher: this.dispatcher,
    });
    return { status: response.statusCode, text: await response.body.text() };
  }
}

/** HQ's answer as JSON, or undefined when it is not JSON (then it fails the answer's schema). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
