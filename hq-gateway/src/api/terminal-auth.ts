import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { RequestHandler } from 'express';
import type { Database } from '../db/database';
import type { TerminalStanding } from '../db/terminals';
import { terminalIdFromSubjectAltName } from '../pki/terminal-ca';
import { certificateSha256 } from '../pki/tls-x509';
import { HttpError, sendError } from './errors';
import { requestLogger, setTerminal } from './request-log';
import { batchedTerminalLookup } from './terminal-lookup';

/** Why a kiosk request was refused: logged for operators, never told to the client. */
export type TerminalAuthFailure =
  | 'not-tls'
  | 'no-certificate'
  | 'untrusted-certificate'
  | 'outside-validity'
  | 'no-terminal-id'
  | 'unknown-terminal'
  | 'revoked-terminal'
  | 'not-current-certificate';

export type TerminalAuthResult =
  { ok: true; terminalId: string } | { ok: false; reason: TerminalAuthFailure };

/**
 * Terminal authentication for /v1/kiosk/*: mutual TLS. The client certificate must chain to the terminal CA
 * (checked by TLS: the server's `ca` is the terminal CA), be within validity now, name one terminal in its
 * SAN URI, and be that terminal's current certificate while the terminal is not revoked. The database is read
 * on every request — not once per connection — so a revocation or re-enrolment takes effect on the next
 * request even on a kept-alive connection or a resumed TLS session (requests arriving together share one
 * query: terminal-lookup.ts). Every failure gets the same answer.
 */
export function terminalAuth(deps: { db: Database; now: () => Date }): RequestHandler {
  const lookup = batchedTerminalLookup(deps.db);
  return async (req, res, next) => {
    const result = await authenticateTerminal(req.socket, { lookup, now: deps.now });
    if (result.ok) {
      setTerminal(res, result.terminalId);
      return next();
    }
    requestLogger(res)?.warn(
      { event: 'terminal.unauthenticated', reason: result.reason },
      'terminal authentication failed',
    );
    sendError(res, new HttpError('TERMINAL_UNAUTHENTICATED', 'terminal authentication failed'));
  };
}

/** What the TLS layer established about a connection's client certificate. */
type PeerCertificate =
  | { ok: false; reason: 'no-certificate' | 'outside-validity' | 'untrusted-certificate' }
  | { ok: true; validFrom: number; validTo: number; terminalId: string | null; sha256: string };

/**
 * A connection's client certificate cannot change (the server refuses renegotiation: pki/tls-server.ts), so
 * what TLS decided about it and its parsed fields are kept per socket. Validity against the clock and the
 * database check (revocation, current certificate) stay per request.
 */
const peers = new WeakMap<TLSSocket, PeerCertificate>();

function peerOf(socket: TLSSocket): PeerCertificate {
  let peer = peers.get(socket);
  if (!peer) {
    peer = readPeer(socket);
    peers.set(socket, peer);
  }
  return peer;
}

function readPeer(socket: TLSSocket): PeerCertificate {
  const peer = socket.getPeerCertificate();
  // An empty object when the client sent no certificate.
  if (!peer || !Buffer.isBuffer(peer.raw) || peer.raw.length === 0)
    return { ok: false, reason: 'no-certificate' };
  if (!socket.authorized) {
    const expiredOrEarly = ['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'].includes(
      String(socket.authorizationError),
    );
    return { ok: false, reason: expiredOrEarly ? 'outside-validity' : 'untrusted-certificate' };
  }
  const certificate = new X509Certificate(peer.raw);
  return {
    ok: true,
    validFrom: Date.parse(certificate.validFrom),
    validTo: Date.parse(certificate.validTo),
    terminalId: terminalIdFromSubjectAltName(certificate.subjectAltName),
    sha256: certificateSha256(peer.raw),
  };
}

export async function authenticateTerminal(
  socket: Socket,
  deps: { lookup: (terminalId: string) => Promise<TerminalStanding | null>; now: () => Date },
): Promise<TerminalAuthResult> {
  if (!(socket instanceof TLSSocket)) return { ok: false, reason: 'not-tls' };
  const peer = peerOf(socket);
  if (!peer.ok) return peer;
  const now = deps.now().getTime();
  if (now < peer.validFrom || now > peer.validTo) return { ok: false, reason: 'outside-validity' };
  const { terminalId } = peer;
  if (!terminalId) return { ok: false, reason: 'no-terminal-id' };
  const terminal = await deps.lookup(terminalId);
  if (!terminal) return { ok: false, reason: 'unknown-terminal' };
  if (terminal.revoked) return { ok: false, reason: 'revoked-terminal' };
  if (terminal.certSha256 !== peer.sha256) return { ok: false, reason: 'not-current-certificate' };
  return { ok: true, terminalId };
}
