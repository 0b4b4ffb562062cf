/**
 * The smartphone app, simulated (DESIGN.md "PIN reset": the app itself is not ours). It reads a virtual card
 * through the real JPKI driver over the in-process reader, as the app reads the real card over NFC: VERIFY
 * the PIN the user still knows (here taken from the card's profile — it is a simulator), read that PIN's
 * certificate, sign HQ's challenge for APP_SIGNER_ID, and send the proof with its face-check statement.
 * The PIN goes to the card only, never to HQ. Retry counters the card changes are saved to the profile.
 *
 * Used by the CLI (cli.ts) and by tests: reserve, list and cancel.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Agent, fetch, type Response } from 'undici';
import type { z } from 'zod';
import {
  APP_SIGNER_ID,
  ChallengeResponse,
  HqErrorBody,
  Reservation,
  ReservationListResponse,
  type PinKind,
} from 'hq-gateway/api/schemas';
import { sessionSigningInput } from 'hq-gateway/api/signing-input';
import { hqTlsPaths } from 'hq-gateway/pki/tls-ca';
import { EmulatorReader } from 'kiosk-agent/card/emulator-reader';
import type { CardProfile } from 'kiosk-agent/card/emulator/profile';
import { loadProfile, persistToFile } from 'kiosk-agent/card/emulator/profile-store';
import { VirtualJpkiCard } from 'kiosk-agent/card/emulator/virtual-card';
import { JpkiCard } from 'kiosk-agent/card/jpki';
import { KioskError } from 'kiosk-agent/errors';

export interface AppOptions {
  /** The data folder holding cards/<id>.json (seeded by deploy/src/local/seed.ts). */
  dataDir: string;
  /** HQ's base URL, e.g. https://127.0.0.1:4200. */
  hqUrl: string;
  /**
   * HQ's TLS CA (PEM) the app trusts, as a real app would ship HQ's public chain. Defaults to the seeded
   * <dataDir>/hq/tls/ca.pem.
   */
  hqCaPem?: string;
  /** The virtual card's id, e.g. demo-taro. */
  cardId: string;
  /**
   * The PIN the user types into the app. Defaults to the card's real PIN from its profile; give another to
   * see a wrong PIN spend a try.
   */
  pin?: string;
  /** Clock for the face-check statement. Defaults to the system clock. */
  now?: () => Date;
  /** Per HTTP request; default 10 s. */
  timeoutMs?: number;
}

export interface ProvingOptions extends AppOptions {
  /** Which PIN proves possession for list/cancel. Default: the 4-digit PIN, or the signature PIN when it is locked. */
  proveWith?: PinKind;
}

/** Why the app stopped: HQ's refusal (`source` hq, with its HTTP status), the card's, or the app's own. */
export class AppError extends Error {
  constructor(
    readonly source: 'hq' | 'card' | 'app',
    readonly code: string,
    message: string,
    readonly status?: number,
    readonly triesLeft?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Books a reset of `reset`, proving possession with the other PIN. */
export async function reserve(options: AppOptions & { reset: PinKind }): Promise<Reservation> {
  const proof = await proveWith(options, other(options.reset));
  const now = options.now?.() ?? new Date();
  return post(
    options,
    '/v1/app/pin-reset/reservations',
    { ...proof, reset: options.reset, faceCheck: { passed: true, checkedAt: now.toISOString() } },
    Reservation,
  );
}

/** The card's reservations at HQ, newest first. */
export async function list(options: ProvingOptions): Promise<Reservation[]> {
  const proof = await proveWith(options, options.proveWith);
  const answer = await post(options, '/v1/app/pin-reset/reservations/list', proof, ReservationListResponse);
  return answer.reservations;
}

/** Cancels one of the card's reservations (cancelling a cancelled one answers it again). */
export async function cancel(options: ProvingOptions & { reservationId: string }): Promise<Reservation> {
  const proof = await proveWith(options, options.proveWith);
  const route = `/v1/app/pin-reset/reservations/${encodeURIComponent(options.reservationId)}/cancel`;
  return post(options, route, proof, Reservation);
}

// --- the card ------------------------------------------------------------------------------------------

interface Proof {
  challengeId: string;
  certificate: string;
  signature: string;
}

/** VERIFY, read the certificate, fetch HQ's challenge, sign it; the card is logged out and released after. */
async function proveWith(options: AppOptions, kind: PinKind | undefined): Promise<Proof> {
  return withCard(options, async (card, profile) => {
    const signatureTries = (await card.hasSignatureKey()) ? await card.signatureTriesLeft() : null;
    const userAuthTries = await card.userAuthTriesLeft();
    const using = kind ?? (userAuthTries > 0 || signatureTries === null ? 'userAuth' : 'signature');
    let certificate: Uint8Array;
    if (using === 'userAuth') {
      if (userAuthTries === 0) throw new AppError('app', 'PIN_LOCKED', 'the 4-digit PIN is locked');
      await card.verifyUserAuthPin(options.pin ?? profile.userAuth.pin);
      certificate = await card.readUserAuthCertificate();
    } else {
      if (signatureTries === null || !profile.signature) {
        // A child's card: no signature PIN to prove with (HQ would answer the same code).
        throw new AppError('app', 'NO_SIGNATURE_CERTIFICATE', 'the card has no signature certificate');
      }
      if (signatureTries === 0) throw new AppError('app', 'PIN_LOCKED', 'the signature PIN is locked');
      await card.verifySignaturePin(options.pin ?? profile.signature.pin);
      certificate = await card.readSignatureCertificate(); // readable only after that VERIFY
    }
    const challenge = await post(
      options,
      '/v1/app/challenges',
      { purpose: 'app-pin-reset' },
      ChallengeResponse,
    );
    const input = sessionSigningInput(Buffer.from(challenge.nonce, 'base64'), APP_SIGNER_ID, 'app-pin-reset');
    const signature =
      using === 'userAuth' ? await card.signWithUserAuthKey(input) : await card.signWithSignatureKey(input);
    return {
      challengeId: challenge.challengeId,
      certificate: Buffer.from(certificate).toString('base64'),
      signature: Buffer.from(signature).toString('base64'),
    };
  });
}

const CARD_ID = /^[a-z0-9-]{1,40}$/;

async function withCard<T>(
  options: AppOptions,
  use: (card: JpkiCard, profile: CardProfile) => Promise<T>,
): Promise<T> {
  if (!CARD_ID.test(options.cardId))
    throw new AppError('app', 'BAD_REQUEST', `not a card id: ${options.cardId}`);
  const file = path.join(options.dataDir, 'cards', `${options.cardId}.json`);
  const profile = await loadProfile(file);
  const reader = new EmulatorReader('Smartphone NFC (simulated)');
  reader.insert(new VirtualJpkiCard(profile, { persist: persistToFile(file) }));
  let card: JpkiCard | undefined;
  try {
    card = await JpkiCard.open(reader);
    return await use(card, profile);
  } catch (error) {
    if (error instanceof KioskError) {
      throw new AppError('card', error.code, error.message, undefined, error.triesLeft);
    }
    throw error;
  } finally {
    await card?.close();
    await reader.close();
  }
}

function other(pin: PinKind): PinKind {
  return pin === 'userAuth' ? 'signature' : 'userAuth';
}

// --- HQ ------------------------------------------------------------------------------------------------

/** HQ's CA: given, or the seeded one. Without it only the system's CAs would do. */
async function hqCa(options: AppOptions): Promise<string | undefined> {
  if (options.hqCaPem !== undefined) return options.hqCaPem;
  return readFile(hqTlsPaths(options.dataDir).caCert, 'utf8').catch(() => undefined);
}

async function post<S extends z.ZodType>(
  options: AppOptions,
  route: string,
  body: unknown,
  schema: S,
): Promise<z.infer<S>> {
  let response: Response;
  let json: unknown;
  const dispatcher = new Agent({ connect: { ca: await hqCa(options) } });
  try {
    response = await fetch(new URL(route, options.hqUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      dispatcher,
    });
    json = await response.json().catch(() => undefined);
  } catch (error) {
    throw new AppError('hq', 'HQ_UNAVAILABLE', `${options.hqUrl} unreachable: ${(error as Error).message}`);
  } finally {
    await dispatcher.close();
  }
  if (!response.ok) {
    const refusal = HqErrorBody.safeParse(json);
    if (!refusal.success) {
      throw new AppError('hq', 'HQ_REJECTED', `${route} answered ${response.status}`, response.status);
    }
    const { code, message } = refusal.data.error;
    throw new AppError('hq', code, message, response.status);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new AppError('hq', 'HQ_REJECTED', `malformed answer from ${route}`, response.status);
  return parsed.data;
}
