/**
 * Puts a demo card into a vpcd slot of the real pcscd, so the agent's PcscReader (or OpenSC, pcsc_scan…) can
 * use it:
 *
 *   npm run vcard -- --card demo-taro --slot 0 [--data ./data] [--host 127.0.0.2]
 *
 * `--card` is a card id (looked up as <data>/cards/<id>.json) or a path to a profile file. Retry counters and
 * PIN changes are saved back to that file. Ctrl-C (or SIGTERM) pulls the card out; killing the process does too.
 * Output goes to stdout with process.stdout.write (this is a command-line tool, not library code).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadProfile, persistToFile } from '../emulator/profile-store';
import { VirtualJpkiCard } from '../emulator/virtual-card';
import { VpcdClient } from './client';
import { VPCD_DEFAULT_HOST, vpcdPort } from './protocol';

const USAGE = 'usage: vcard --card <id|path> [--slot 0|1] [--data ./data] [--host 127.0.0.2] [--port N]';

function say(line: string): void {
  process.stdout.write(`vcard: ${line}\n`);
}

function fail(message: string): never {
  process.stderr.write(`vcard: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function profileFile(card: string, dataDir: string): string {
  // An id is what the profile schema allows; anything else is taken as a path.
  return /^[a-z0-9-]{1,40}$/.test(card) ? path.join(dataDir, 'cards', `${card}.json`) : path.resolve(card);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        card: { type: 'string' },
        slot: { type: 'string', default: '0' },
        data: { type: 'string', default: 'data' },
        host: { type: 'string', default: VPCD_DEFAULT_HOST },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.card === undefined) fail('--card is required');
  const slot = Number(values.slot);
  let port: number;
  try {
    port = values.port === undefined ? vpcdPort(slot) : Number(values.port);
  } catch (error) {
    fail((error as Error).message);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65_535) fail(`bad port ${values.port}`);

  const file = profileFile(values.card, path.resolve(values.data));
  let profile;
  try {
    profile = await loadProfile(file);
  } catch (error) {
    fail((error as Error).message);
  }
  const card = new VirtualJpkiCard(profile, { persist: persistToFile(file) });
  const client = VpcdClient.forCard(card, { host: values.host, port });
  const where = `${values.host}:${port}`;
  let stopping = false;
  client.onEvent((event) => {
    if (event.type === 'connected') say(`card ${profile.id} inserted (vpcd ${where})`);
    if (event.type === 'disconnected' && !stopping) say(`card ${profile.id} out of the reader, reconnecting`);
    if (event.type === 'card-failed') say(`card failed, connection dropped: ${String(event.error)}`);
  });
  say(`connecting ${profile.id} to vpcd ${where} (pcscd must be running: node test/setup/pcsc.mjs)`);
  client.start();

  const shutdown = () => {
    stopping = true;
    void client.stop().then(() => {
      say(`card ${profile.id} removed`);
      process.exit(0);
    });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

await main();
