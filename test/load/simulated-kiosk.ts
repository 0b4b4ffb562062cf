import { randomUUID } from 'node:crypto';
import { defaultOptions } from 'hq-gateway/api/certificates';
import { EmulatorReader } from 'kiosk-agent/card/emulator-reader';
import { VirtualJpkiCard } from 'kiosk-agent/card/emulator/virtual-card';
import type { CardProfile } from 'kiosk-agent/card/emulator/profile';
import { JpkiCard } from 'kiosk-agent/card/jpki';
import { asKioskError } from 'kiosk-agent/errors';
import { authenticate } from 'kiosk-agent/flows/authenticate';
import { HqClient } from 'kiosk-agent/hq/client';
import type { TerminalIdentity } from 'kiosk-agent/hq/tls';
import type { Pacing } from './pacing';
import { Samples, Tally } from './stats';

export interface LoadStats {
  transactions: Samples;
  /** `late`: paced only, how long after it was due a transaction started (the load generator's own delay,
   *  part of the transaction's latency); `card`: opening the card and reading its certificate. */
  steps: Record<'late' | 'card' | 'auth' | 'offer' | 'issue' | 'report' | 'status', Samples>;
  errors: Tally;
}

export function newStats(): LoadStats {
  return {
    transactions: new Samples(),
    steps: {
      late: new Samples(),
      card: new Samples(),
      auth: new Samples(),
      offer: new Samples(),
      issue: new Samples(),
      report: new Samples(),
      status: new Samples(),
    },
    errors: new Tally(),
  };
}

const SCREENS = ['idle', 'serviceMenu', 'pin', 'payment', 'printing'] as const;

/**
 * One kiosk as HQ sees it, doing full transactions back to back: the real JPKI driver and card emulator
 * (VERIFY, the user-authentication key signs HQ's challenge) and the agent's own HQ client over mutual TLS:
 * challenge → session → offer → issuance → copy reported printed, plus a device-status change now and then.
 * Printing itself is left out: it happens on the kiosk, not at HQ.
 */
export class SimulatedKiosk {
  private readonly hq: HqClient;
  private readonly reader = new EmulatorReader('load reader');
  private stats: LoadStats = newStats();

  constructor(
    identity: TerminalIdentity,
    private readonly profile: CardProfile,
  ) {
    this.hq = new HqClient({
      baseUrl: identity.hqUrl,
      credentials: { terminalId: identity.terminalId, tls: identity.tls },
      retries: 0,
      timeoutMs: 30_000,
    });
    // The card stays in the reader; each transaction opens it afresh like a new customer would.
    this.reader.insert(new VirtualJpkiCard(structuredClone(profile)));
  }

  /**
   * Transactions until `until` (performance.now()), recorded in `stats`: back to back (closed loop: what HQ
   * can take at most), or paced (open loop, pacing.ts: latency at a given offered load) as kiosk `index` of
   * the fleet. The same kiosk runs the warm-up and the measured runs on its kept-alive connection, as a real
   * kiosk would: a fresh client per run would make every kiosk open a new mutual-TLS connection at the same
   * instant, which no fleet does.
   */
  async run(until: number, stats: LoadStats, paced?: { pacing: Pacing; index: number }): Promise<void> {
    this.stats = stats;
    let n = 0;
    // Paced, no opening report: all kiosks sending one at the same instant would be a burst no fleet sends,
    // and it would land in the measured latency. Times are performance.now(), like `until`.
    if (!paced) await this.status('idle');
    let due = paced ? paced.pacing.firstAt(paced.index) : performance.now();
    while (due < until) {
      if (paced) {
        const wait = due - performance.now();
        // Rounded up: timers run on whole milliseconds, and a start before it is due would flatter the latency.
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
      }
      // Paced, latency counts from when the transaction was due (see pacing.ts).
      await this.transaction(paced ? due : undefined);
      n += 1;
      if (n % 5 === 0) await this.status(SCREENS[n % SCREENS.length]!);
      due = paced ? due + paced.pacing.intervalMs : performance.now();
    }
  }

  private async transaction(dueAt?: number): Promise<void> {
    const started = dueAt ?? performance.now();
    if (dueAt !== undefined) this.stats.steps.late.add(performance.now() - dueAt);
    const timed = async <T>(step: keyof LoadStats['steps'], fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const result = await fn();
      this.stats.steps[step].add(performance.now() - t0);
      return result;
    };
    let card: JpkiCard | undefined;
    try {
      const { opened, certificate } = await timed('card', async () => {
        card = await JpkiCard.open(this.reader);
        return { opened: card, certificate: await card.readUserAuthCertificate() };
      });
      const auth = await timed('auth', () =>
        authenticate(opened, certificate, this.profile.userAuth.pin, this.hq),
      );
      const offer = await timed('offer', () => this.hq.offer(auth.session.sessionId));
      const juminhyo = offer.certificates.find((c) => c.type === 'juminhyo' && c.available);
      if (!juminhyo) throw new Error(`juminhyo not offered (${offer.refusal ?? 'unavailable'})`);
      const issuance = await timed('issue', () =>
        this.hq.issue({
          sessionId: auth.session.sessionId,
          idempotencyKey: randomUUID(),
          options: defaultOptions('juminhyo', juminhyo),
          copies: 1,
        }),
      );
      const serial = issuanceSerial(issuance.documents[0]?.payload);
      await timed('report', () => this.hq.reportCopy(issuance.issuanceId, serial, { status: 'printed' }));
      this.stats.transactions.add(performance.now() - started);
    } catch (error) {
      this.stats.errors.add(
        error instanceof Error && 'code' in error ? asKioskError(error).code : String(error),
      );
    } finally {
      await card?.close().catch(() => undefined);
    }
  }

  private async status(screen: string): Promise<void> {
    const t0 = performance.now();
    try {
      await this.hq.reportStatus({
        kind: 'snapshot',
        status: {
          reader: 'cardPresent',
          printer: 'idle',
          jamWhere: null,
          paperLow: false,
          outOfService: false,
          screen,
        },
      });
      this.stats.steps.status.add(performance.now() - t0);
    } catch (error) {
      this.stats.errors.add(`status:${asKioskError(error).code}`);
    }
  }
}

/** The serial inside a signed document (payload is base64url JSON; only the serial is read). */
function issuanceSerial(payload: string | undefined): string {
  if (!payload) throw new Error('no document');
  const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { serial?: unknown };
  if (typeof parsed.serial !== 'string') throw new Error('document without serial');
  return parsed.serial;
}
