/**
 * Enrols this kiosk with HQ (run from the repository root):
 *
 *   npm run enroll -- --hq https://127.0.0.1:4200 --code <code> [--data ./data] [--ca data/hq/tls/ca.pem]
 *
 * The operator gets the one-time code from `npm run terminal -- add <terminalId>`. --ca pins HQ's TLS CA for
 * this request (without it, the system's CAs must trust HQ). Writes <data>/kiosk/terminal.key (0600),
 * terminal.pem, hq-ca.pem and terminal.json. Exit codes: 0 enrolled, 1 refused or failed, 2 usage.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EnrollError, enrollKiosk } from '../enroll';

const USAGE =
  'usage: npm run enroll -- --hq https://<hq>:4200 --code <code> [--data ./data] [--ca <hq-ca.pem>]';

function usage(problem: string): never {
  console.error(`${problem}\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  values = parseArgs({
    strict: true,
    options: {
      hq: { type: 'string' },
      code: { type: 'string' },
      data: { type: 'string', default: './data' },
      ca: { type: 'string' },
    },
  }).values;
} catch (error) {
  usage((error as Error).message);
}
if (!values.hq || !/^https:\/\//.test(values.hq)) usage('--hq https://… is required');
if (!values.code) usage('--code is required');

try {
  const caPem = values.ca === undefined ? undefined : await readFile(path.resolve(values.ca), 'utf8');
  const dataDir = path.resolve(values.data);
  const result = await enrollKiosk({
    hqUrl: values.hq,
    code: values.code,
    dataDir,
    ...(caPem !== undefined && { caPem }),
  });
  console.log(`Enrolled as ${result.terminalId}; certificate valid until ${result.notAfter}.`);
  console.log(`Identity stored in ${path.join(dataDir, 'kiosk')}.`);
} catch (error) {
  console.error(error instanceof EnrollError ? `${error.code}: ${error.message}` : String(error));
  process.exit(1);
}
