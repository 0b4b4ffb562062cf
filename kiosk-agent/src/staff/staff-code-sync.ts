import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { StaffCodeCheck, StaffCodeRecord } from './staff-code';

/** HQ is asked at start and then every 5 minutes; a revoked code stops working within that time. */
export const STAFF_CODE_SYNC_MS = 5 * 60_000;

export interface StaffCodeSource {
  staffCodes(): Promise<{ codes: StaffCodeRecord[] }>;
}

/**
 * Writes staff.json atomically (temporary file, fsync, rename, mode 0600): a crash mid-write leaves the
 * previous codes, never a torn file, so staff can still log in while HQ is unreachable.
 */
export async function writeStaffCodeFile(
  file: string,
  codes: readonly StaffCodeRecord[],
  at: Date,
): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify({ codes, syncedAt: at.toISOString() }, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Keeps the kiosk's staff codes in step with HQ: fetch, persist, then swap them into the live check. */
export class StaffCodeSync {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<boolean> | undefined;

  constructor(
    private readonly options: {
      hq: StaffCodeSource;
      file: string;
      check: StaffCodeCheck;
      logger: Logger;
      intervalMs?: number;
      now?: () => Date;
    },
  ) {}

  /** One sync; false (logged, codes kept) when HQ cannot be reached or refuses. */
  syncOnce(): Promise<boolean> {
    this.running ??= this.sync().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sync(): Promise<boolean> {
    const { hq, file, check, logger } = this.options;
    try {
      const { codes } = await hq.staffCodes();
      await writeStaffCodeFile(file, codes, (this.options.now ?? (() => new Date()))());
      check.replace(codes);
      logger.info({ event: 'staff.codes.synced', count: codes.length }, 'staff codes synced from HQ');
      return true;
    } catch (error) {
      logger.warn(
        { event: 'staff.codes.sync_failed', err: (error as Error).message, kept: check.size },
        'staff codes not synced: keeping the cached ones',
      );
      return false;
    }
  }

  /** Syncs now (in the background) and then every interval. */
  start(): void {
    void this.syncOnce();
    this.timer = setInterval(() => void this.syncOnce(), this.options.intervalMs ?? STAFF_CODE_SYNC_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
