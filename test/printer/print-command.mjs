// The "print engine" of the test printer: ippeveprinter runs it (-c) for every document, with the spool
// file as argument and job attributes in the environment. It prints nothing; it takes `pageMs` per page,
// reports progress and faults on stderr the way ippeveprinter reads them, and logs what it did.
//
// Tests steer it through $FAKE_PRINTER_DIR/control.json:
//   { "pageMs": 100, "fault": { "kind": "jam" | "paperOut" | "coverOpen", "atPage": 2, "holdMs": 0, "skip": 0 } }
// A fault fires once, on page `atPage` of the next document (after `skip` documents): the pages before
// are reported complete, then the fault's printer-state-reason is raised and, after `holdMs`, the
// document fails (job aborted).
// A job named "fake-printer-clear" stands for staff clearing the printer: it removes jam, cover and
// paper reasons and prints nothing.
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.FAKE_PRINTER_DIR;
const file = process.argv[2];
const controlFile = join(dir, 'control.json');
const REASONS = { jam: 'media-jam', paperOut: 'media-empty', coverOpen: 'cover-open' };

const say = (line) => process.stderr.write(`${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (entry) =>
  appendFileSync(
    join(dir, 'printed.jsonl'),
    `${JSON.stringify({
      job: Number(process.env.IPP_JOB_ID),
      name: process.env.IPP_JOB_NAME,
      format: process.env.CONTENT_TYPE,
      ...entry,
    })}\n`,
  );

function readControl() {
  try {
    return JSON.parse(readFileSync(controlFile, 'utf8'));
  } catch {
    return {};
  }
}

function writeControl(control) {
  const temp = `${controlFile}.${process.pid}`;
  writeFileSync(temp, JSON.stringify(control));
  renameSync(temp, controlFile);
}

function countPages(data, format) {
  if (format === 'application/pdf')
    return (data.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g) ?? []).length;
  return 1;
}

if (process.env.IPP_JOB_NAME === 'fake-printer-clear') {
  say('STATE: -media-jam,media-empty,media-needed,cover-open');
  say('INFO: cleared');
  process.exit(0);
}

const control = readControl();
const pageMs = control.pageMs ?? 100;
if (control.fault?.skip > 0) {
  writeControl({ ...control, fault: { ...control.fault, skip: control.fault.skip - 1 } });
  control.fault = undefined;
}
const format = process.env.CONTENT_TYPE;
const pages = countPages(readFileSync(file), format);
for (let page = 1; page <= pages; page++) {
  await sleep(pageMs);
  const fault = control.fault;
  if (fault && fault.atPage === page) {
    writeControl({ ...readControl(), fault: undefined }); // once
    say(`STATE: +${REASONS[fault.kind]}`);
    log({ pages, completed: page - 1, fault: fault.kind });
    await sleep(fault.holdMs ?? 0);
    say(`ERROR: ${fault.kind} at page ${page}`);
    process.exit(1);
  }
  say(`ATTR: job-impressions-completed=${page}`);
}
log({ pages, completed: pages });
process.exit(0);
