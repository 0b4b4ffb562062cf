/**
 * The smartphone app simulator on the command line (run from the repository root):
 *
 *   tsx test/app-simulator/cli.ts reserve --card demo-taro --reset signature|userAuth
 *   tsx test/app-simulator/cli.ts list    --card demo-taro [--with userAuth|signature]
 *   tsx test/app-simulator/cli.ts cancel  --card demo-taro --id <reservationId>
 *
 * Common options: --data ./data (the seeded data folder), --hq https://127.0.0.1:4200, --pin <PIN> (type
 * another PIN than the card's, e.g. to see a wrong PIN spend a try), --json (print HQ's answer as JSON).
 * Exit codes: 0 done, 1 refused or failed, 2 usage.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PinKind, type Reservation } from 'hq-gateway/api/schemas';
import { AppError, cancel, list, reserve } from './app';

const USAGE = `usage:
  tsx test/app-simulator/cli.ts reserve --card <id> --reset signature|userAuth [options]
  tsx test/app-simulator/cli.ts list --card <id> [--with userAuth|signature] [options]
  tsx test/app-simulator/cli.ts cancel --card <id> --id <reservationId> [--with userAuth|signature] [options]
options: --data ./data  --hq https://127.0.0.1:4200  --pin <PIN>  --json`;

/** stdout without console (the linter keeps console out of library code; this is the CLI's output). */
function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

function usage(problem: string): never {
  console.error(`${problem}\n${USAGE}`);
  process.exit(2);
}

function describe(r: Reservation): string {
  const pin = r.reset === 'signature' ? 'signature PIN' : '4-digit PIN';
  return `${r.reservationId}  ${r.status.padEnd(9)}  ${pin.padEnd(13)}  created ${r.createdAt}  expires ${r.expiresAt}`;
}

function parsePinKind(value: string | undefined, option: string): PinKind | undefined {
  if (value === undefined) return undefined;
  const parsed = PinKind.safeParse(value);
  if (!parsed.success) usage(`${option} must be signature or userAuth`);
  return parsed.data;
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    strict: true,
    options: {
      card: { type: 'string' },
      reset: { type: 'string' },
      with: { type: 'string' },
      id: { type: 'string' },
      data: { type: 'string', default: './data' },
      hq: { type: 'string', default: 'https://127.0.0.1:4200' },
      pin: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
} catch (error) {
  usage((error as Error).message);
}
const { values, positionals } = parsed;
const [command, ...extra] = positionals;
if (extra.length > 0) usage(`unexpected arguments: ${extra.join(' ')}`);
if (!values.card) usage('--card is required');
const common = {
  dataDir: path.resolve(values.data),
  hqUrl: values.hq,
  cardId: values.card,
  ...(values.pin !== undefined && { pin: values.pin }),
};
const proveWith = parsePinKind(values.with, '--with');

try {
  switch (command) {
    case 'reserve': {
      const reset = parsePinKind(values.reset, '--reset') ?? usage('--reset is required');
      const reservation = await reserve({ ...common, reset });
      out(values.json ? JSON.stringify(reservation) : `Reserved: ${describe(reservation)}`);
      break;
    }
    case 'list': {
      const reservations = await list({ ...common, ...(proveWith && { proveWith }) });
      if (values.json) out(JSON.stringify(reservations));
      else if (reservations.length === 0) out(`No reservations for ${values.card}.`);
      else for (const r of reservations) out(describe(r));
      break;
    }
    case 'cancel': {
      const reservationId = values.id ?? usage('--id is required');
      const reservation = await cancel({ ...common, reservationId, ...(proveWith && { proveWith }) });
      out(values.json ? JSON.stringify(reservation) : `Cancelled: ${describe(reservation)}`);
      break;
    }
    default:
      usage(command ? `unknown command ${command}` : 'a command is required');
  }
} catch (error) {
  if (error instanceof AppError) {
    const where = error.status ? `HQ ${error.status}` : error.source;
    const tries = error.triesLeft !== undefined ? ` (${error.triesLeft} tries left)` : '';
    console.error(`${where} ${error.code}: ${error.message}${tries}`);
  } else {
    console.error(error instanceof Error ? error.message : String(error));
  }
  process.exit(1);
}
