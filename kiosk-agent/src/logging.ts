import pino, { type Logger } from 'pino';

/**
 * Structured logs with event names. Code never logs PINs or personal data; the redaction list is a
 * second wall in case an object carrying one is ever passed by mistake.
 */
export function createLogger(
  name: string,
  options: { level?: string; destination?: pino.DestinationStream } = {},
): Logger {
  return pino(
    {
      name,
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: {
        paths: [
          'pin',
          '*.pin',
          'newPin',
          '*.newPin',
          'intent.pin',
          'token',
          '*.token',
          'authorization',
          '*.authorization',
        ],
        censor: '[redacted]',
      },
    },
    options.destination,
  );
}
