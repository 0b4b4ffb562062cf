import type { PrinterStatus } from './printer';

/** Holds a printer's current status and tells listeners when it changes. */
export class StatusEmitter {
  private current: PrinterStatus;
  private readonly listeners = new Set<(status: PrinterStatus) => void>();

  constructor(initial: PrinterStatus) {
    this.current = initial;
  }

  get status(): PrinterStatus {
    return this.current;
  }

  set(status: PrinterStatus): void {
    if (sameStatus(status, this.current)) return;
    this.current = status;
    for (const listener of [...this.listeners]) {
      // One broken listener must not stop the others or the print job that reported the status.
      try {
        listener(status);
      } catch (error) {
        console.error('printer status listener failed', error);
      }
    }
  }

  on(listener: (status: PrinterStatus) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

function sameStatus(a: PrinterStatus, b: PrinterStatus): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
