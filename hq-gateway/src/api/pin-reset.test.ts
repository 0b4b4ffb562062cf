import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, issueUserAuthCertificate, type IssuedCertificate } from '../pki/test-pki';
import {
  errorCode,
  appProof,
  cardSignature,
  kioskCall,
  kioskProof,
  newAppChallenge,
  newChallenge,
  registerTestCard,
  startGatewayFixture,
  type Answer,
  type GatewayFixture,
  type TestCard,
  type TestTerminal,
} from '../testing/gateway-fixture';
import {
  APP_SIGNER_ID,
  ChallengeResponse,
  HqErrorBody,
  KioskPinResetResponse,
  PinResetOutcomeResponse,
  PinResetTokenResponse,
  Reservation,
  ReservationListResponse,
  type PinKind,
} from './schemas';

let fx: GatewayFixture;
let adults: TestCard[];
let children: TestCard[];

beforeAll(async () => {
  fx = await startGatewayFixture();
  // Every test takes cards nobody else touched. RSA key generation is the slow part: done once, in parallel.
  [adults, children] = await Promise.all([
    Promise.all(Array.from({ length: 28 }, () => registerTestCard(fx))),
    Promise.all(
      Array.from({ length: 2 }, () =>
        registerTestCard(fx, { signature: false, residentId: 'res-yamada-sakura' }),
      ),
    ),
  ]);
});

afterAll(async () => {
  await fx?.close();
});

const HOUR = 60 * 60 * 1000;

function adultCard(): TestCard {
  const card = adults.pop();
  if (!card) throw new Error('card pool exhausted: raise its size');
  return card;
}

function childCard(): TestCard {
  const card = children.pop();
  if (!card) throw new Error('child card pool exhausted: raise its size');
  return card;
}

function errorOf(answer: Answer): { status: number; code: string | undefined } {
  return { status: answer.status, code: errorCode(answer.json) };
}

function faceCheck() {
  return { passed: true, checkedAt: fx.clock.now.toISOString() };
}

/** The certificate that proves possession to reset `reset`. */
function proofCertificate(card: TestCard, reset: PinKind): IssuedCertificate {
  if (reset === 'userAuth') {
    if (!card.signature) throw new Error('card has no signature certificate');
    return card.signature;
  }
  return card.userAuth;
}

function app(path: string, body: unknown): Promise<Answer> {
  return kioskCall(fx, null, 'POST', `/v1/app${path}`, body);
}

async function reserve(card: TestCard, reset: PinKind, certificate = proofCertificate(card, reset)) {
  return app('/pin-reset/reservations', {
    ...(await appProof(fx, certificate)),
    reset,
    faceCheck: faceCheck(),
  });
}

async function reserveOk(card: TestCard, reset: PinKind): Promise<Reservation> {
  const answer = await reserve(card, reset);
  expect(answer.status, answer.text).toBe(201);
  return Reservation.parse(answer.json);
}

async function listOf(certificate: IssuedCertificate): Promise<Reservation[]> {
  const answer = await app('/pin-reset/reservations/list', await appProof(fx, certificate));
  expect(answer.status, answer.text).toBe(200);
  return ReservationListResponse.parse(answer.json).reservations;
}

async function claim(
  card: TestCard,
  reset: PinKind,
  terminal: TestTerminal = fx.terminals.a,
  certificate = proofCertificate(card, reset),
): Promise<Answer> {
  return kioskCall(fx, terminal, 'POST', '/v1/kiosk/pin-resets', {
    ...(await kioskProof(fx, terminal, certificate)),
    reset,
  });
}

async function claimOk(
  card: TestCard,
  reset: PinKind,
  terminal?: TestTerminal,
): Promise<KioskPinResetResponse> {
  const answer = await claim(card, reset, terminal);
  expect(answer.status, answer.text).toBe(201);
  return KioskPinResetResponse.parse(answer.json);
}

function token(resetId: string, nonce: Uint8Array, terminal: TestTerminal = fx.terminals.a): Promise<Answer> {
  return kioskCall(fx, terminal, 'POST', `/v1/kiosk/pin-resets/${resetId}/token`, {
    cardNonce: Buffer.from(nonce).toString('base64'),
  });
}

function outcome(resetId: string, value: 'reset' | 'notReset', terminal: TestTerminal = fx.terminals.a) {
  return kioskCall(fx, terminal, 'POST', `/v1/kiosk/pin-resets/${resetId}/outcome`, { outcome: value });
}

/** jpki-card.md, computed here without HQ's code: HMAC-SHA256(HMAC-SHA256(master, serial), label ‖ EF ‖ nonce). */
function expectedToken(serial: string, reset: PinKind, nonce: Uint8Array): string {
  const cardKey = createHmac('sha256', fx.cardManagementKey).update(serial, 'ascii').digest();
  const ef = reset === 'userAuth' ? [0x00, 0x18] : [0x00, 0x1b];
  return createHmac('sha256', cardKey)
    .update(Buffer.concat([Buffer.from('JPKI-PIN-RESET', 'ascii'), Buffer.from(ef), Buffer.from(nonce)]))
    .digest()
    .subarray(0, 16)
    .toString('base64');
}

async function auditOf(column: 'card_id' | 'reservation_id' | 'pin_reset_id', id: string) {
  return fx.db.query<{ event: string; code: string | null; terminal_id: string | null }>(
    `SELECT event, code, terminal_id FROM audit_log WHERE ${column} = $1 ORDER BY id`,
    [id],
  );
}

describe('POST /v1/app/challenges', () => {
  it('hands the app a single-use 60 s challenge without terminal credentials', async () => {
    const answer = await kioskCall(fx, null, 'POST', '/v1/app/challenges', { purpose: 'app-pin-reset' });
    expect(answer.status).toBe(201);
    const challenge = ChallengeResponse.parse(answer.json);
    expect(Buffer.from(challenge.nonce, 'base64')).toHaveLength(32);
    expect(new Date(challenge.expiresAt).getTime() - fx.clock.now.getTime()).toBe(60_000);
  });

  it('refuses any other purpose, and kiosks asking for an app challenge', async () => {
    for (const purpose of ['kiosk-session', 'kiosk-pin-reset', 'other']) {
      const answer = await kioskCall(fx, null, 'POST', '/v1/app/challenges', { purpose });
      expect(errorOf(answer)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    }
    const kiosk = await kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/challenges', {
      purpose: 'app-pin-reset',
    });
    expect(errorOf(kiosk)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('gives kiosks PIN-reset challenges through the generic kiosk route', async () => {
    const challenge = await newChallenge(fx, fx.terminals.a, 'kiosk-pin-reset');
    expect(Buffer.from(challenge.nonce, 'base64')).toHaveLength(32);
  });
});

describe('POST /v1/app/pin-reset/reservations', () => {
  it('books a reset of the signature PIN proven with the user-authentication certificate', async () => {
    const card = adultCard();
    const reservation = await reserveOk(card, 'signature');
    expect(reservation).toMatchObject({ reset: 'signature', status: 'open' });
    expect(reservation.createdAt).toBe(fx.clock.now.toISOString());
    expect(new Date(reservation.expiresAt).getTime() - fx.clock.now.getTime()).toBe(24 * HOUR);
    expect(await auditOf('reservation_id', reservation.reservationId)).toEqual([
      { event: 'pinreset.reservation_created', code: null, terminal_id: null },
    ]);
  });

  it('books a reset of the 4-digit PIN proven with the signature certificate', async () => {
    const card = adultCard();
    expect(await reserveOk(card, 'userAuth')).toMatchObject({ reset: 'userAuth', status: 'open' });
  });

  it('refuses a proof from the PIN that is to be reset (the wrong CA for the kind)', async () => {
    const card = adultCard();
    const withUserAuth = await reserve(card, 'userAuth', card.userAuth);
    expect(errorOf(withUserAuth)).toEqual({ status: 401, code: 'CERTIFICATE_CHAIN_INVALID' });
    const withSignature = await reserve(card, 'signature', card.signature ?? card.userAuth);
    expect(errorOf(withSignature)).toEqual({ status: 401, code: 'CERTIFICATE_CHAIN_INVALID' });
    expect(await listOf(card.userAuth)).toEqual([]);
  });

  it('refuses a certificate of an untrusted CA', async () => {
    const card = adultCard();
    const impostor = await issueUserAuthCertificate(await createTestCa('userAuth'), { id: 'IMPOSTOR' });
    expect(errorOf(await reserve(card, 'signature', impostor))).toEqual({
      status: 401,
      code: 'CERTIFICATE_CHAIN_INVALID',
    });
  });

  it('answers NO_SIGNATURE_CERTIFICATE for a child’s card, whichever PIN it asks for', async () => {
    const child = childCard();
    expect(errorOf(await reserve(child, 'signature', child.userAuth))).toEqual({
      status: 403,
      code: 'NO_SIGNATURE_CERTIFICATE',
    });
    // It cannot sign with a signature key it does not have; what it can offer is detected.
    expect(errorOf(await reserve(child, 'userAuth', child.userAuth))).toEqual({
      status: 403,
      code: 'NO_SIGNATURE_CERTIFICATE',
    });
    expect((await auditOf('card_id', child.id)).map((r) => [r.event, r.code])).toEqual([
      ['pinreset.reservation_refused', 'NO_SIGNATURE_CERTIFICATE'],
      ['pinreset.reservation_refused', 'NO_SIGNATURE_CERTIFICATE'],
    ]);
  });

  it('refuses a card that is not registered', async () => {
    const proof = await appProof(fx, fx.unregisteredCard);
    const answer = await app('/pin-reset/reservations', {
      ...proof,
      reset: 'signature',
      faceCheck: faceCheck(),
    });
    expect(errorOf(answer)).toEqual({ status: 403, code: 'CARD_NOT_REGISTERED' });
  });

  it('refuses a replayed challenge, an expired one, and one signed for another signer', async () => {
    const card = adultCard();
    const proof = await appProof(fx, card.userAuth);
    const body = { ...proof, reset: 'signature', faceCheck: faceCheck() };
    expect((await app('/pin-reset/reservations', body)).status).toBe(201);
    expect(errorOf(await app('/pin-reset/reservations', body))).toEqual({
      status: 409,
      code: 'CHALLENGE_USED',
    });

    const other = adultCard();
    const late = await appProof(fx, other.userAuth);
    fx.clock.advance(60_001);
    const expired = await app('/pin-reset/reservations', {
      ...late,
      reset: 'signature',
      faceCheck: faceCheck(),
    });
    expect(errorOf(expired)).toEqual({ status: 410, code: 'CHALLENGE_EXPIRED' });

    // Signed as if for a kiosk: the signer id is part of the signed bytes.
    const challenge = await newAppChallenge(fx);
    const forKiosk = await app('/pin-reset/reservations', {
      challengeId: challenge.challengeId,
      certificate: Buffer.from(other.userAuth.certificate).toString('base64'),
      signature: cardSignature(other.userAuth, challenge.nonce, fx.terminals.a.id, 'app-pin-reset'),
      reset: 'signature',
      faceCheck: faceCheck(),
    });
    expect(errorOf(forKiosk)).toEqual({ status: 401, code: 'SIGNATURE_INVALID' });
  });

  it('does not take a kiosk’s challenge, nor a kiosk the app’s', async () => {
    const card = adultCard();
    const kioskChallenge = await newChallenge(fx, fx.terminals.a, 'kiosk-pin-reset');
    const answer = await app('/pin-reset/reservations', {
      challengeId: kioskChallenge.challengeId,
      certificate: Buffer.from(card.userAuth.certificate).toString('base64'),
      signature: cardSignature(card.userAuth, kioskChallenge.nonce, APP_SIGNER_ID, 'app-pin-reset'),
      reset: 'signature',
      faceCheck: faceCheck(),
    });
    expect(errorOf(answer)).toEqual({ status: 404, code: 'CHALLENGE_NOT_FOUND' });

    await reserveOk(card, 'signature');
    const appChallenge = await newAppChallenge(fx);
    const kiosk = await kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/pin-resets', {
      challengeId: appChallenge.challengeId,
      certificate: Buffer.from(card.userAuth.certificate).toString('base64'),
      signature: cardSignature(card.userAuth, appChallenge.nonce, fx.terminals.a.id, 'kiosk-pin-reset'),
      reset: 'signature',
    });
    expect(errorOf(kiosk)).toEqual({ status: 404, code: 'CHALLENGE_NOT_FOUND' });
  });

  it('refuses a stale face-check statement before spending the challenge', async () => {
    const card = adultCard();
    const proof = await appProof(fx, card.userAuth);
    const stale = new Date(fx.clock.now.getTime() - HOUR).toISOString();
    const answer = await app('/pin-reset/reservations', {
      ...proof,
      reset: 'signature',
      faceCheck: { passed: true, checkedAt: stale },
    });
    expect(errorOf(answer)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(HqErrorBody.parse(answer.json).error.issues?.[0]?.path).toBe('faceCheck.checkedAt');
    const fresh = await app('/pin-reset/reservations', {
      ...proof,
      reset: 'signature',
      faceCheck: faceCheck(),
    });
    expect(fresh.status).toBe(201);
  });

  it('refuses a failed face check and any PIN field (no schema has one)', async () => {
    const card = adultCard();
    const failed = await app('/pin-reset/reservations', {
      ...(await appProof(fx, card.userAuth)),
      reset: 'signature',
      faceCheck: { passed: false, checkedAt: fx.clock.now.toISOString() },
    });
    expect(errorOf(failed)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    const withPin = await app('/pin-reset/reservations', {
      ...(await appProof(fx, card.userAuth)),
      reset: 'signature',
      faceCheck: faceCheck(),
      pin: '1234',
    });
    expect(errorOf(withPin)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('keeps one open reservation per card', async () => {
    const card = adultCard();
    const first = await reserveOk(card, 'signature');
    expect(errorOf(await reserve(card, 'signature'))).toEqual({ status: 409, code: 'RESERVATION_EXISTS' });
    expect(errorOf(await reserve(card, 'userAuth'))).toEqual({ status: 409, code: 'RESERVATION_EXISTS' });
    expect((await listOf(card.userAuth)).map((r) => r.reservationId)).toEqual([first.reservationId]);
  });
});

describe('listing and cancelling reservations', () => {
  it('lists only the proving card’s reservations, with either of its certificates', async () => {
    const [card, other] = [adultCard(), adultCard()];
    const mine = await reserveOk(card, 'signature');
    await reserveOk(other, 'userAuth');
    expect(await listOf(card.userAuth)).toEqual([mine]);
    expect(await listOf(card.signature ?? card.userAuth)).toEqual([mine]);
    expect((await auditOf('card_id', card.id)).map((r) => r.event)).toEqual([
      'pinreset.reservation_created',
      'pinreset.reservations_listed',
      'pinreset.reservations_listed',
    ]);
  });

  it('needs a fresh proof for every list and cancel', async () => {
    const card = adultCard();
    const reservation = await reserveOk(card, 'signature');
    const proof = await appProof(fx, card.userAuth);
    expect((await app('/pin-reset/reservations/list', proof)).status).toBe(200);
    expect(errorOf(await app('/pin-reset/reservations/list', proof))).toEqual({
      status: 409,
      code: 'CHALLENGE_USED',
    });
    expect(errorOf(await app(`/pin-reset/reservations/${reservation.reservationId}/cancel`, proof))).toEqual({
      status: 409,
      code: 'CHALLENGE_USED',
    });
    const bad = { ...(await appProof(fx, card.userAuth)), signature: Buffer.alloc(256).toString('base64') };
    expect(errorOf(await app('/pin-reset/reservations/list', bad))).toEqual({
      status: 401,
      code: 'SIGNATURE_INVALID',
    });
  });

  it('cancels only with a proof from the same card, and cancelling twice is harmless', async () => {
    const [card, other] = [adultCard(), adultCard()];
    const reservation = await reserveOk(card, 'userAuth');
    const path = `/pin-reset/reservations/${reservation.reservationId}/cancel`;
    expect(errorOf(await app(path, await appProof(fx, other.userAuth)))).toEqual({
      status: 404,
      code: 'RESERVATION_NOT_FOUND',
    });
    const cancelled = await app(path, await appProof(fx, card.userAuth));
    expect(cancelled.status).toBe(200);
    expect(Reservation.parse(cancelled.json)).toMatchObject({ status: 'cancelled' });
    const again = await app(path, await appProof(fx, card.signature ?? card.userAuth));
    expect(again.status).toBe(200);
    expect(Reservation.parse(again.json).status).toBe('cancelled');
    expect(
      errorOf(await app(`/pin-reset/reservations/${randomUUID()}/cancel`, await appProof(fx, card.userAuth))),
    ).toEqual({
      status: 404,
      code: 'RESERVATION_NOT_FOUND',
    });
    // A cancelled reservation no longer blocks a new one, and cannot be claimed.
    expect(errorOf(await claim(card, 'userAuth'))).toEqual({ status: 404, code: 'RESERVATION_NOT_FOUND' });
    await reserveOk(card, 'signature');
    expect(
      (await auditOf('reservation_id', reservation.reservationId)).map((r) => [r.event, r.code]),
    ).toEqual([
      ['pinreset.reservation_created', null],
      ['pinreset.cancel_refused', 'RESERVATION_NOT_FOUND'],
      ['pinreset.reservation_cancelled', null],
    ]);
  });

  it('answers 400 for a reservation id that is no uuid', async () => {
    const card = adultCard();
    const answer = await app('/pin-reset/reservations/nope/cancel', await appProof(fx, card.userAuth));
    expect(errorOf(answer)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  });
});

describe('a PIN reset at the kiosk', () => {
  it('claims, gets the token for the card nonce, and consumes the reservation exactly once', async () => {
    const card = adultCard();
    const reservation = await reserveOk(card, 'signature');

    const claimed = await claimOk(card, 'signature');
    expect(claimed.reset).toBe('signature');
    expect(new Date(claimed.expiresAt).getTime() - fx.clock.now.getTime()).toBe(10 * 60_000);
    expect((await listOf(card.userAuth))[0]).toMatchObject({ status: 'claimed' });

    const nonce = randomBytes(8);
    const answer = await token(claimed.resetId, nonce);
    expect(answer.status, answer.text).toBe(200);
    const issued = PinResetTokenResponse.parse(answer.json).token;
    expect(issued).toBe(expectedToken(card.serial, 'signature', nonce));
    expect(Buffer.from(issued, 'base64')).toHaveLength(16);
    // A retry with the same nonce (lost answer) gets the same token.
    expect(PinResetTokenResponse.parse((await token(claimed.resetId, nonce)).json).token).toBe(issued);

    const reported = await outcome(claimed.resetId, 'reset');
    expect(reported.status).toBe(200);
    expect(PinResetOutcomeResponse.parse(reported.json)).toMatchObject({
      resetId: claimed.resetId,
      reservation: { reservationId: reservation.reservationId, status: 'used' },
    });
    const retried = await outcome(claimed.resetId, 'reset');
    expect([retried.status, retried.text]).toEqual([200, reported.text]);
    expect(errorOf(await outcome(claimed.resetId, 'notReset'))).toEqual({
      status: 409,
      code: 'IDEMPOTENCY_CONFLICT',
    });

    expect(errorOf(await claim(card, 'signature'))).toEqual({ status: 409, code: 'RESERVATION_USED' });
    expect(errorOf(await token(claimed.resetId, randomBytes(8)))).toEqual({
      status: 409,
      code: 'RESERVATION_USED',
    });
    expect((await listOf(card.userAuth))[0]).toMatchObject({ status: 'used' });

    expect(
      (await auditOf('reservation_id', reservation.reservationId)).map((r) => [r.event, r.code]),
    ).toEqual([
      ['pinreset.reservation_created', null],
      ['pinreset.claimed', null],
      ['pinreset.token_issued', null],
      ['pinreset.token_issued', null],
      ['pinreset.outcome_reset', null],
      ['pinreset.outcome_refused', 'IDEMPOTENCY_CONFLICT'],
      ['pinreset.token_refused', 'RESERVATION_USED'],
    ]);
    // The token and the nonce went to the kiosk only: not into a log line.
    const logs = fx.logs.join('');
    expect(logs).not.toContain(issued);
    expect(logs).not.toContain(nonce.toString('base64'));
  });

  it('resets the 4-digit PIN with a signature-certificate proof; the token names EF 0018', async () => {
    const card = adultCard();
    await reserveOk(card, 'userAuth');
    const claimed = await claimOk(card, 'userAuth', fx.terminals.b);
    const nonce = randomBytes(8);
    const issued = PinResetTokenResponse.parse(
      (await token(claimed.resetId, nonce, fx.terminals.b)).json,
    ).token;
    expect(issued).toBe(expectedToken(card.serial, 'userAuth', nonce));
    expect(issued).not.toBe(expectedToken(card.serial, 'signature', nonce));
    expect((await outcome(claimed.resetId, 'reset', fx.terminals.b)).status).toBe(200);
  });

  it('refuses the token to another terminal, for an unknown reset and for a nonce of the wrong size', async () => {
    const card = adultCard();
    await reserveOk(card, 'signature');
    const claimed = await claimOk(card, 'signature');
    expect(errorOf(await token(claimed.resetId, randomBytes(8), fx.terminals.b))).toEqual({
      status: 404,
      code: 'PIN_RESET_NOT_FOUND',
    });
    expect(errorOf(await outcome(claimed.resetId, 'reset', fx.terminals.b))).toEqual({
      status: 404,
      code: 'PIN_RESET_NOT_FOUND',
    });
    expect(errorOf(await token(randomUUID(), randomBytes(8)))).toEqual({
      status: 404,
      code: 'PIN_RESET_NOT_FOUND',
    });
    expect(errorOf(await token(claimed.resetId, randomBytes(16)))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    expect(errorOf(await token('not-a-uuid', randomBytes(8)))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    const unauthenticated = await kioskCall(
      fx,
      null,
      'POST',
      `/v1/kiosk/pin-resets/${claimed.resetId}/token`,
      {
        cardNonce: randomBytes(8).toString('base64'),
      },
    );
    expect(errorOf(unauthenticated)).toEqual({ status: 401, code: 'TERMINAL_UNAUTHENTICATED' });
    // Still claimed for terminal a.
    expect((await token(claimed.resetId, randomBytes(8))).status).toBe(200);
  });

  it('reopens the reservation on notReset; the old reset gets no token; a new claim can finish it', async () => {
    const card = adultCard();
    const reservation = await reserveOk(card, 'signature');
    const first = await claimOk(card, 'signature');
    expect((await token(first.resetId, randomBytes(8))).status).toBe(200);
    const pulled = await outcome(first.resetId, 'notReset');
    expect(pulled.status).toBe(200);
    expect(PinResetOutcomeResponse.parse(pulled.json).reservation.status).toBe('open');
    expect((await outcome(first.resetId, 'notReset')).text).toBe(pulled.text);
    expect(errorOf(await outcome(first.resetId, 'reset'))).toEqual({
      status: 409,
      code: 'IDEMPOTENCY_CONFLICT',
    });
    expect(errorOf(await token(first.resetId, randomBytes(8)))).toEqual({
      status: 404,
      code: 'PIN_RESET_NOT_FOUND',
    });

    const second = await claimOk(card, 'signature', fx.terminals.b);
    expect(second.resetId).not.toBe(first.resetId);
    expect((await token(second.resetId, randomBytes(8), fx.terminals.b)).status).toBe(200);
    const done = PinResetOutcomeResponse.parse((await outcome(second.resetId, 'reset', fx.terminals.b)).json);
    expect(done.reservation).toMatchObject({ reservationId: reservation.reservationId, status: 'used' });
  });

  it('refuses a claim without a reservation, or for the other PIN', async () => {
    const card = adultCard();
    expect(errorOf(await claim(card, 'signature'))).toEqual({ status: 404, code: 'RESERVATION_NOT_FOUND' });
    await reserveOk(card, 'signature');
    expect(errorOf(await claim(card, 'userAuth'))).toEqual({ status: 404, code: 'RESERVATION_NOT_FOUND' });
    expect((await auditOf('card_id', card.id)).filter((r) => r.event === 'pinreset.claim_refused')).toEqual([
      { event: 'pinreset.claim_refused', code: 'RESERVATION_NOT_FOUND', terminal_id: fx.terminals.a.id },
      { event: 'pinreset.claim_refused', code: 'RESERVATION_NOT_FOUND', terminal_id: fx.terminals.a.id },
    ]);
  });

  it('validates the kiosk proof like the app’s: wrong kind, wrong signer, child card', async () => {
    const card = adultCard();
    await reserveOk(card, 'signature');
    expect(errorOf(await claim(card, 'signature', fx.terminals.a, card.signature ?? card.userAuth))).toEqual({
      status: 401,
      code: 'CERTIFICATE_CHAIN_INVALID',
    });
    const challenge = await newChallenge(fx, fx.terminals.a, 'kiosk-pin-reset');
    const asApp = await kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/pin-resets', {
      challengeId: challenge.challengeId,
      certificate: Buffer.from(card.userAuth.certificate).toString('base64'),
      signature: cardSignature(card.userAuth, challenge.nonce, APP_SIGNER_ID, 'kiosk-pin-reset'),
      reset: 'signature',
    });
    expect(errorOf(asApp)).toEqual({ status: 401, code: 'SIGNATURE_INVALID' });
    const session = await newChallenge(fx, fx.terminals.a, 'kiosk-session');
    const sessionChallenge = await kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/pin-resets', {
      challengeId: session.challengeId,
      certificate: Buffer.from(card.userAuth.certificate).toString('base64'),
      signature: cardSignature(card.userAuth, session.nonce, fx.terminals.a.id, 'kiosk-session'),
      reset: 'signature',
    });
    expect(errorOf(sessionChallenge)).toEqual({ status: 404, code: 'CHALLENGE_NOT_FOUND' });

    const child = childCard();
    expect(errorOf(await claim(child, 'signature', fx.terminals.a, child.userAuth))).toEqual({
      status: 403,
      code: 'NO_SIGNATURE_CERTIFICATE',
    });
    // The card still completes with a correct proof.
    expect((await claim(card, 'signature')).status).toBe(201);
  });

  it('lets a claim that never got a token give way; one with a token waits for its outcome', async () => {
    const card = adultCard();
    await reserveOk(card, 'signature');
    const lost = await claimOk(card, 'signature');
    // Another kiosk while the first claim runs: refused.
    expect(errorOf(await claim(card, 'signature', fx.terminals.b))).toEqual({
      status: 409,
      code: 'RESERVATION_USED',
    });
    // The same kiosk again (its answer was lost): the earlier claim gives way.
    const retried = await claimOk(card, 'signature');
    expect(errorOf(await token(lost.resetId, randomBytes(8)))).toEqual({
      status: 404,
      code: 'PIN_RESET_NOT_FOUND',
    });
    expect((await token(retried.resetId, randomBytes(8))).status).toBe(200);
    // With a token out, nobody else may claim, even after the claim lapsed: the card may have been reset.
    fx.clock.advance(11 * 60_000);
    expect(errorOf(await claim(card, 'signature', fx.terminals.b))).toEqual({
      status: 409,
      code: 'RESERVATION_USED',
    });
    expect(errorOf(await token(retried.resetId, randomBytes(8)))).toEqual({
      status: 410,
      code: 'RESERVATION_EXPIRED',
    });
    // A late outcome is still recorded.
    expect(
      PinResetOutcomeResponse.parse((await outcome(retried.resetId, 'reset')).json).reservation.status,
    ).toBe('used');
  });

  it('hands a lapsed claim without a token to another kiosk', async () => {
    const card = adultCard();
    await reserveOk(card, 'userAuth');
    const stale = await claimOk(card, 'userAuth');
    fx.clock.advance(10 * 60_000 + 1);
    expect(errorOf(await token(stale.resetId, randomBytes(8)))).toEqual({
      status: 410,
      code: 'RESERVATION_EXPIRED',
    });
    const taken = await claimOk(card, 'userAuth', fx.terminals.b);
    expect((await token(taken.resetId, randomBytes(8), fx.terminals.b)).status).toBe(200);
    expect(errorOf(await outcome(stale.resetId, 'notReset'))).toEqual({
      status: 404,
      code: 'PIN_RESET_NOT_FOUND',
    });
  });

  it('refuses an expired reservation; the card can then book a new one', async () => {
    const card = adultCard();
    const old = await reserveOk(card, 'signature');
    fx.clock.advance(24 * HOUR);
    expect(errorOf(await claim(card, 'signature'))).toEqual({ status: 410, code: 'RESERVATION_EXPIRED' });
    expect((await listOf(card.userAuth))[0]).toMatchObject({
      reservationId: old.reservationId,
      status: 'expired',
    });
    expect(
      errorOf(
        await app(`/pin-reset/reservations/${old.reservationId}/cancel`, await appProof(fx, card.userAuth)),
      ),
    ).toEqual({
      status: 410,
      code: 'RESERVATION_EXPIRED',
    });
    const fresh = await reserveOk(card, 'signature');
    expect((await listOf(card.userAuth)).map((r) => [r.reservationId, r.status])).toEqual([
      [fresh.reservationId, 'open'],
      [old.reservationId, 'expired'],
    ]);
    expect((await claim(card, 'signature')).status).toBe(201);
  });

  it('caps a claim at the reservation’s own expiry', async () => {
    const card = adultCard();
    const reservation = await reserveOk(card, 'signature');
    fx.clock.advance(24 * HOUR - 60_000);
    const claimed = await claimOk(card, 'signature');
    expect(claimed.expiresAt).toBe(reservation.expiresAt);
  });

  it('lets only one of two concurrent claims through, and a concurrent double outcome count once', async () => {
    const card = adultCard();
    const reservation = await reserveOk(card, 'signature');
    const answers = await Promise.all([
      claim(card, 'signature', fx.terminals.a),
      claim(card, 'signature', fx.terminals.b),
    ]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 409]);
    const winner = answers.findIndex((a) => a.status === 201);
    const terminal = winner === 0 ? fx.terminals.a : fx.terminals.b;
    const { resetId } = KioskPinResetResponse.parse(answers[winner]?.json);
    const reports = await Promise.all([
      outcome(resetId, 'reset', terminal),
      outcome(resetId, 'reset', terminal),
    ]);
    expect(reports.map((r) => r.status)).toEqual([200, 200]);
    expect(reports[0]?.text).toBe(reports[1]?.text);
    const consumed = await fx.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE reservation_id = $1 AND event = 'pinreset.outcome_reset'",
      [reservation.reservationId],
    );
    expect(consumed).toEqual([{ n: 1 }]);
  });
});
