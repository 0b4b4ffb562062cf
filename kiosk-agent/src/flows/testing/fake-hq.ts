import { createHash, randomUUID } from 'node:crypto';
import type { OfferedCertificate, OfferResponse, RefusalReason } from 'hq-gateway/api/certificates';
import type { IssuanceRequest, IssuanceResponse, SessionResponse } from 'hq-gateway/api/schemas';
import {
  generateDocumentSigningKeyPem,
  loadDocumentSigningKey,
  signDocument,
} from 'hq-gateway/issuance/document-signing';
import { KioskError } from '../../errors';
import type { HqClient } from '../../hq/client';
import { testPayload } from './documents';

const HOURS = { opens: '06:30', closes: '23:00', weekdaysOnly: false };

/** An offered certificate for tests: available, 300 yen, the holder and one household member. */
export function offered(type: OfferedCertificate['type'], extra: Partial<OfferedCertificate> = {}) {
  return {
    type,
    available: true,
    refusal: null,
    feeYen: 300,
    hours: HOURS,
    options: {
      household: [
        { memberId: 'm-self', name: '山田\u3000太郎', relationship: '世帯主', self: true },
        { memberId: 'm-wife', name: '山田\u3000花子', relationship: '妻', self: false },
      ],
      honseki: true,
      foreignResidentFields: false,
      taxYears: [2026],
    },
    ...extra,
  } satisfies OfferedCertificate;
}

/**
 * An HQ stand-in for flow tests: real document signatures (so the agent's binding check runs for real),
 * a configurable offer, and a record of what the kiosk asked for. Network and certificate validation are
 * tested against the real gateway elsewhere.
 */
export class FakeHq {
  readonly terminalId = 'T-TEST-0001';
  readonly keys = generateDocumentSigningKeyPem();
  private readonly signingKey = loadDocumentSigningKey(this.keys.privateKeyPem);
  readonly issued: IssuanceRequest[] = [];
  readonly reports: { serial: string; status: string }[] = [];
  refusal: RefusalReason | null = null;
  certificates: OfferedCertificate[] = [offered('juminhyo'), offered('sealRegistration')];
  /** Make POST /issuances fail as if HQ were unreachable. */
  failIssue = false;
  private session: { id: string; certSha256: string } | undefined;
  private serials = 0;

  get client(): HqClient {
    return this as unknown as HqClient;
  }

  async createChallenge() {
    return {
      challengeId: randomUUID(),
      nonce: Buffer.alloc(32, 7).toString('base64'),
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    };
  }

  async openSession(body: { certificate: string }): Promise<SessionResponse> {
    const certSha256 = createHash('sha256').update(Buffer.from(body.certificate, 'base64')).digest('hex');
    this.session = { id: randomUUID(), certSha256 };
    return {
      sessionId: this.session.id,
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
      municipality: { code: '139998', name: '葵市' },
      services: ['juminhyo'],
      offer: [{ certificate: 'juminhyo', feeYen: 300 }],
    };
  }

  async offer(sessionId: string): Promise<OfferResponse> {
    return {
      sessionId,
      municipality: { code: '139998', name: '葵市' },
      refusal: this.refusal,
      certificates: this.certificates.map((c) =>
        this.refusal ? { ...c, available: false, refusal: this.refusal } : c,
      ),
      at: new Date().toISOString(),
    };
  }

  async issue(request: IssuanceRequest): Promise<IssuanceResponse> {
    if (this.failIssue) throw new KioskError('HQ_UNAVAILABLE', 'fake HQ down');
    const session = this.session;
    if (!session) throw new Error('no session');
    this.issued.push(request);
    const issuanceId = randomUUID();
    const fee = this.certificates.find((c) => c.type === request.options.type)?.feeYen ?? 0;
    const documents = Array.from({ length: request.copies }, (_, i) =>
      signDocument(
        testPayload(
          {
            issuanceId,
            sessionId: session.id,
            terminalId: this.terminalId,
            cardCertificateSha256: session.certSha256,
          },
          { serial: this.nextSerial(), copy: { index: i + 1, of: request.copies } },
        ),
        this.signingKey,
      ),
    );
    this.lastIssuance = { issuanceId, session };
    return { issuanceId, feeYen: fee * request.copies, documents };
  }

  private lastIssuance: { issuanceId: string; session: { id: string; certSha256: string } } | undefined;

  async reportCopy(_issuanceId: string, serial: string, body: { status: string }) {
    this.reports.push({ serial, status: body.status });
    return { serial, status: body.status };
  }

  async replaceCopy(issuanceId: string, replaces: string) {
    const last = this.lastIssuance;
    if (!last) throw new Error('no issuance');
    const payload = testPayload(
      {
        issuanceId,
        sessionId: last.session.id,
        terminalId: this.terminalId,
        cardCertificateSha256: last.session.certSha256,
      },
      { serial: this.nextSerial() },
    );
    return { replaces, document: signDocument(payload, this.signingKey) };
  }

  private nextSerial(): string {
    this.serials += 1;
    return `139998-261122-SERIAL${String(this.serials).padStart(4, '0')}`;
  }
}
