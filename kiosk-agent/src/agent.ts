import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { EmulatorReader } from './card/emulator-reader';
import { PcscReader } from './card/pcsc';
import type { AgentOptions } from './config/options';
import { KioskCounters } from './device/counters';
import { DeviceStatusMonitor } from './device/status';
import { devRoutes } from './dev/routes';
import { VirtualCardDeck } from './dev/virtual-cards';
import { Kiosk } from './flows/kiosk';
import { HqClient } from './hq/client';
import { loadTerminalIdentity } from './hq/tls';
import { createLogger } from './logging';
import { SimulatedPaymentDevice } from './payment/simulated';
import { SimulatedPrinter } from './printer/simulated';
import { IppPrinter } from './printer/ipp';
import { isPaperLow, jamWhere } from './printer/printer';
import { StatusUplink } from './hq/status-uplink';
import { openJournalAndRecover } from './journal/startup';
import { StaffCodeCheck } from './staff/staff-code';
import { StaffCodeSync } from './staff/staff-code-sync';
import { checkDocumentFont } from './render/glyph-check';
import { prepareRenderer, renderDocument } from './render/index';
import { createHttpApp } from './server/http';
import { uiRoutes } from './server/ui-static';
import { attachUiSocket } from './server/ui-socket';

/** A4 at 600 dpi: the anti-copy pattern and the QR seal need the resolution. */
const PRINT_DPI = 600;

export interface RunningAgent {
  url: string;
  close(): Promise<void>;
}

/** Where the kiosk keeps its own configuration inside the data folder. */
export function kioskPaths(dataDir: string) {
  return {
    terminal: path.join(dataDir, 'kiosk', 'terminal.json'),
    documentKey: path.join(dataDir, 'kiosk', 'hq-document-signing.pub'),
    staffCode: path.join(dataDir, 'kiosk', 'staff.json'),
    devStaffCode: path.join(dataDir, 'dev', 'staff-code'),
    journal: path.join(dataDir, 'kiosk', 'journal'),
    cards: path.join(dataDir, 'cards'),
  };
}

/** Starts the kiosk agent: devices, HQ client, the issuance flow, the UI and (in simulation) the dev panel. */
export async function startAgent(
  options: AgentOptions,
  logger: Logger = createLogger('kiosk-agent'),
): Promise<RunningAgent> {
  const paths = kioskPaths(options.dataDir);
  // Written by enrolment (hq/enroll.ts): mutual TLS towards HQ with the terminal's own certificate.
  const identity = await loadTerminalIdentity(options.dataDir);
  const credentials = { terminalId: identity.terminalId, tls: identity.tls };
  const documentPublicKey = await readFile(paths.documentKey, 'utf8');

  // A kiosk must never print certificates full of boxes: check the document font before serving anyone,
  // and build the static page parts now rather than on the first customer's time.
  const font = await checkDocumentFont();
  if (!font.ok) throw new Error(`document font unusable: ${font.detail}`);
  await prepareRenderer(PRINT_DPI);

  const emulator = options.reader === 'virtual' ? new EmulatorReader('Virtual JPKI reader') : undefined;
  const reader = emulator ?? (await PcscReader.open({ logger }));
  const simulatedPrinter =
    options.printer === 'simulated' ? new SimulatedPrinter(options.outputDir) : undefined;
  const ippPrinter = options.printer === 'simulated' ? undefined : new IppPrinter(options.printer);
  await ippPrinter?.start();
  const printer = simulatedPrinter ?? ippPrinter;
  if (!printer) throw new Error('no printer');
  // No real coin/bill acceptor driver exists yet: every kiosk runs the simulated one (dev panel drives it).
  const payment = new SimulatedPaymentDevice();
  const hq = new HqClient({ baseUrl: options.hqUrl, credentials });
  const { journal, owedRefunds } = await openJournalAndRecover(paths.journal, hq, logger);
  // The cached codes first (staff can log in while HQ is unreachable), then HQ's now and every 5 minutes.
  const staffCode = await StaffCodeCheck.load(paths.staffCode).catch((error: unknown) => {
    logger.warn({ event: 'staff.code.missing', err: (error as Error).message }, 'no cached staff codes yet');
    return StaffCodeCheck.of([]);
  });
  const staffCodeSync = new StaffCodeSync({ hq, file: paths.staffCode, check: staffCode, logger });
  staffCodeSync.start();
  const flow = new Kiosk({
    journal,
    staffCode,
    owedRefunds,
    reader,
    printer,
    hq,
    payment,
    documentPublicKey,
    render: (doc) => renderDocument(doc, { dpi: PRINT_DPI }),
    logger,
    inactivity: options.inactivity,
  });
  const devices = new DeviceStatusMonitor(reader, printer, payment);
  const counters = new KioskCounters();
  const uplink = new StatusUplink(
    hq,
    () => {
      const status = printer.status();
      return {
        reader: reader.cardPresent ? 'cardPresent' : 'ready',
        printer: status.state,
        jamWhere: jamWhere(status),
        paperLow: isPaperLow(status),
        outOfService: flow.outOfService,
        // The screen's name only (never its data).
        screen: flow.state.screen,
        paperLevel: status.state === 'paperOut' ? 'out' : isPaperLow(status) ? 'low' : 'ok',
        payment: payment.state,
        counters: counters.snapshot,
        // Amounts and times only: HQ alerts when a customer's money waits too long at the counter.
        owedRefunds: owedRefunds.report(),
      };
    },
    logger,
  );
  const stopUplink = [
    reader.onEvent(() => uplink.update()),
    printer.onStatus((status) => {
      counters.onPrinter(status);
      uplink.update();
    }),
    flow.onState((state) => {
      counters.onScreen(state);
      uplink.update();
    }),
    payment.onState(() => uplink.update()),
    owedRefunds.onChange(() => uplink.update()),
  ];
  uplink.update();
  const uiToken = randomBytes(24).toString('base64url');
  // The developer panel drives simulated devices only: the virtual cards never appear with a real reader.
  const dev = devRoutes({
    deck: emulator ? new VirtualCardDeck(paths.cards, emulator) : undefined,
    printer: simulatedPrinter,
    payment,
    outputDir: options.outputDir,
    // The demo staff code in clear, like the virtual cards' PINs: simulation data only.
    staffCode: emulator
      ? await readFile(paths.devStaffCode, 'utf8').then(
          (code) => code.trim(),
          () => undefined,
        )
      : undefined,
  });
  const app = createHttpApp({ ui: await uiRoutes(options.uiDist, uiToken), dev, logger });
  const server = createServer(app);
  const io = attachUiSocket(server, { uiToken, flow, devices, logger });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host}:${port}`;
  logger.info({ event: 'agent.started', url, terminalId: credentials.terminalId }, 'kiosk agent listening');

  return {
    url,
    async close() {
      await flow.close();
      await staffCodeSync.close();
      for (const stop of stopUplink) stop();
      uplink.close();
      devices.close();
      await reader.close();
      await ippPrinter?.close();
      await journal.close();
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      logger.info({ event: 'agent.stopped' }, 'kiosk agent stopped');
    },
  };
}
