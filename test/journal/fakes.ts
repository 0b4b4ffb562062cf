import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A fake HQ and a fake printer for the journal kill tests, both kept in files so they outlive the killed kiosk
 * process. The HQ ledger is strict: a serial that was reported printed cannot later be reported spoiled, and a
 * replacement is only issued for a serial HQ has voided.
 */

export interface HqLedger {
  issuances: Record<string, { copies: number; feeYen: number; serials: string[] }>;
  copies: Record<
    string,
    { issuanceId: string; copyIndex: number; status: 'issued' | 'printed' | 'spoiled'; replacedBy?: string }
  >;
  refunds: Record<string, number>;
  next: number;
}

export const FEE_PER_COPY = 300;

export class FakeHq {
  constructor(
    private readonly work: string,
    private readonly step: (name: string) => void,
  ) {}

  static read(work: string): HqLedger {
    const file = join(work, 'hq.json');
    if (!existsSync(file)) return { issuances: {}, copies: {}, refunds: {}, next: 1 };
    return JSON.parse(readFileSync(file, 'utf8')) as HqLedger;
  }

  private update<T>(change: (ledger: HqLedger) => T, stepName: string): T {
    const ledger = FakeHq.read(this.work);
    const result = change(ledger);
    writeFileSync(join(this.work, 'hq.json'), JSON.stringify(ledger, null, 1));
    this.step(stepName);
    return result;
  }

  private newSerial(ledger: HqLedger, issuanceId: string, copyIndex: number): string {
    const serial = `139998-261123-${String(ledger.next++).padStart(10, '0')}`;
    ledger.copies[serial] = { issuanceId, copyIndex, status: 'issued' };
    return serial;
  }

  issue(copies: number): { issuanceId: string; feeYen: number; serials: string[] } {
    return this.update((ledger) => {
      const issuanceId = randomUUID();
      const serials = Array.from({ length: copies }, (_, i) => this.newSerial(ledger, issuanceId, i));
      const issuance = { copies, feeYen: FEE_PER_COPY * copies, serials };
      ledger.issuances[issuanceId] = issuance;
      return { issuanceId, ...issuance };
    }, 'hq.issue');
  }

  /** The serial a never-tried copy prints under: the one issued with the issuance. */
  original(issuanceId: string, copyIndex: number): string {
    const serial = FakeHq.read(this.work).issuances[issuanceId]?.serials[copyIndex];
    if (!serial) throw new Error(`no copy ${copyIndex} in ${issuanceId}`);
    return serial;
  }

  /** Idempotent: asked again for the same voided serial, HQ answers the same replacement. */
  replacement(issuanceId: string, copyIndex: number, replaces: string): string {
    return this.update((ledger) => {
      const old = ledger.copies[replaces];
      if (old?.status !== 'spoiled' || old.issuanceId !== issuanceId || old.copyIndex !== copyIndex) {
        throw new Error(`HQ: no replacement for ${replaces} (${old?.status})`);
      }
      old.replacedBy ??= this.newSerial(ledger, issuanceId, copyIndex);
      return old.replacedBy;
    }, 'hq.replacement');
  }

  report(issuanceId: string, serial: string, status: 'printed' | 'spoiled'): void {
    this.update((ledger) => {
      const copy = ledger.copies[serial];
      if (!copy || copy.issuanceId !== issuanceId) throw new Error(`HQ: unknown serial ${serial}`);
      if (copy.status !== 'issued' && copy.status !== status) {
        throw new Error(`HQ: ${serial} is ${copy.status}, reported ${status}`);
      }
      copy.status = status;
    }, `hq.report.${status}`);
  }

  /** Idempotent per job, like a refund keyed by the job id. */
  refund(jobId: string, amountYen: number): void {
    this.update((ledger) => {
      const earlier = ledger.refunds[jobId];
      if (earlier !== undefined && earlier !== amountYen)
        throw new Error(`HQ: refund ${amountYen} ≠ ${earlier}`);
      ledger.refunds[jobId] = amountYen;
    }, 'hq.refund');
  }
}

/**
 * Writes one file per copy into `out/`, named by serial. A serial that already has a file is a double print: it
 * leaves a `DOUBLE-<serial>` marker and fails. A jam leaves a half-printed file.
 */
export class FakePrinter {
  private readonly out: string;

  constructor(
    work: string,
    private readonly step: (name: string) => void,
  ) {
    this.out = join(work, 'out');
    mkdirSync(this.out, { recursive: true });
  }

  print(serial: string, copyIndex: number, jam: boolean): void {
    try {
      writeFileSync(join(this.out, `${serial}.txt`), jam ? `copy ${copyIndex} JAMMED` : `copy ${copyIndex}`, {
        flag: 'wx',
      });
    } catch (error) {
      writeFileSync(join(this.out, `DOUBLE-${serial}`), '');
      throw error;
    }
    if (jam) {
      this.step('printer.jam');
      throw new Error('paper jam');
    }
    this.step('printer.printed');
  }
}
