import type { CardReader } from '../card/reader';
import type { PaymentDevice } from '../payment/payment-device';
import type { Printer } from '../printer/printer';
import type { DeviceStatus, DeviceStatusChange } from '../protocol/state';

/**
 * The kiosk's device status as the UI sees it: a snapshot first, then only the fields that change
 * (modelled on XFS4IoT Common.Status / StatusChangedEvent).
 */
export class DeviceStatusMonitor {
  private current: DeviceStatus;
  private readonly listeners = new Set<(change: DeviceStatusChange) => void>();
  private readonly unsubscribers: (() => void)[] = [];

  constructor(reader: CardReader, printer: Printer, payment: PaymentDevice) {
    this.current = {
      reader: reader.cardPresent ? 'cardPresent' : 'ready',
      printer: printer.status().state,
      hq: 'online',
      payment: payment.state,
    };
    this.unsubscribers.push(
      reader.onEvent((event) =>
        this.update({
          reader: event.type === 'present' ? 'cardPresent' : event.type === 'empty' ? 'ready' : 'unavailable',
        }),
      ),
      printer.onStatus((status) => this.update({ printer: status.state })),
      payment.onState((state) => this.update({ payment: state })),
    );
  }

  get snapshot(): DeviceStatus {
    return { ...this.current };
  }

  setHqLink(hq: DeviceStatus['hq']): void {
    this.update({ hq });
  }

  onChange(listener: (change: DeviceStatusChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
  }

  private update(fields: DeviceStatusChange): void {
    const change: DeviceStatusChange = {};
    for (const key of Object.keys(fields) as (keyof DeviceStatus)[]) {
      const value = fields[key];
      if (value !== undefined && value !== this.current[key]) Object.assign(change, { [key]: value });
    }
    if (Object.keys(change).length === 0) return;
    this.current = { ...this.current, ...change };
    for (const listener of this.listeners) listener(change);
  }
}
