import { errorActions, type ErrorAction, type ErrorCode, type ErrorInfo } from './protocol/errors';

/** A failure with a stable code that the UI can map to a message. */
export class KioskError extends Error {
  readonly code: ErrorCode;
  readonly action: ErrorAction;
  readonly triesLeft: number | undefined;

  constructor(code: ErrorCode, detail?: string, options?: { triesLeft?: number; cause?: unknown }) {
    super(
      detail ? `${code}: ${detail}` : code,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'KioskError';
    this.code = code;
    this.action = errorActions[code];
    this.triesLeft = options?.triesLeft;
  }

  toInfo(): ErrorInfo {
    return this.triesLeft === undefined
      ? { code: this.code, action: this.action }
      : { code: this.code, action: this.action, triesLeft: this.triesLeft };
  }
}

export function asKioskError(error: unknown): KioskError {
  return error instanceof KioskError ? error : new KioskError('INTERNAL', undefined, { cause: error });
}
