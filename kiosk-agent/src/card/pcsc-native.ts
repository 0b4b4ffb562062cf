import { KioskError } from '../errors';

/**
 * The part of node-pcsclite (npm `pcsclite` 1.0.1) that PcscReader uses, typed here rather than imported so
 * that the agent type-checks and runs on machines where the optional native addon is not installed. The
 * module itself is loaded lazily by loadPcsclite(), never by a static import.
 */

export interface NativeStatus {
  state: number;
  atr?: Buffer;
}

export type NativeCallback<T> = (error: Error | null | undefined, value: T) => void;

export interface NativeReader {
  readonly name: string;
  readonly connected: boolean;
  readonly SCARD_SHARE_EXCLUSIVE: number;
  readonly SCARD_PROTOCOL_T0: number;
  readonly SCARD_PROTOCOL_T1: number;
  readonly SCARD_UNPOWER_CARD: number;
  on(event: 'status', listener: (status: NativeStatus) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  connect(options: { share_mode: number; protocol: number }, callback: NativeCallback<number>): void;
  disconnect(disposition: number, callback: (error: Error | null | undefined) => void): void;
  transmit(data: Buffer, responseLength: number, protocol: number, callback: NativeCallback<Buffer>): void;
  /** Stops the status thread. Blocks the event loop until that thread has ended. */
  close(): void;
}

export interface NativeContext {
  on(event: 'reader', listener: (reader: NativeReader) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): void;
}

/** `require('pcsclite')`: creates a context. Throws synchronously when pcscd is not reachable. */
export type PcscliteFactory = () => NativeContext;

/** PC/SC reader state bits (pcsclite.h); stable across platforms. */
export const SCARD_STATE = {
  UNKNOWN: 0x0004,
  UNAVAILABLE: 0x0008,
  EMPTY: 0x0010,
  PRESENT: 0x0020,
  MUTE: 0x0200,
} as const;

let loading: Promise<PcscliteFactory> | undefined;

/**
 * Imports the addon once. Rejects with READER_UNAVAILABLE when it is not installed or does not load (no
 * libpcsclite, or its build was skipped): `node test/setup/pcsc.mjs` installs and builds it.
 */
export function loadPcsclite(): Promise<PcscliteFactory> {
  loading ??= importFactory().catch((error: unknown) => {
    loading = undefined; // a later call may succeed once the addon is built
    throw new KioskError('READER_UNAVAILABLE', 'the pcsclite addon does not load', { cause: error });
  });
  return loading;
}

async function importFactory(): Promise<PcscliteFactory> {
  // A variable specifier: neither TypeScript nor a bundler resolves it ahead of time.
  const specifier = 'pcsclite';
  const module = (await import(specifier)) as { default?: unknown };
  const factory = module.default ?? module;
  if (typeof factory !== 'function') throw new TypeError('pcsclite exports no factory function');
  return factory as PcscliteFactory;
}
