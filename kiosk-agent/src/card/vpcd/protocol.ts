/**
 * The vpcd wire protocol, card side (vsmartcard-vpcd 3.3 as shipped by Debian). Every message, both ways, is a
 * 2-byte BIG-endian length followed by the payload — vsmartcard's documentation says little-endian, the code
 * and the wire say big-endian. A 1-byte payload from vpcd is a control message; anything longer is a command
 * APDU answered with the response APDU.
 */

export const VpcdControl = {
  POWER_OFF: 0x00,
  POWER_ON: 0x01,
  /** Warm reset; vpcd expects no reply. */
  RESET: 0x02,
  /** Polled by pcscd about every 400 ms (also during sessions); the reply is the ATR. */
  GET_ATR: 0x04,
} as const;

/** vpcd slot n listens on 35963 + n (DEVICENAME /dev/null:0x8C7B in /etc/reader.conf.d/vpcd). */
export const VPCD_BASE_PORT = 0x8c7b;
export const VPCD_SLOTS = 2;
/**
 * 127.0.0.2 rather than 127.0.0.1: test/setup/pcsc.mjs gives that address a `quickack` route, which removes the
 * ~40 ms delayed-ACK wait per APDU caused by vpcd writing length and payload in two send() calls.
 */
export const VPCD_DEFAULT_HOST = '127.0.0.2';

const MAX_PAYLOAD = 0xffff;

export function vpcdPort(slot: number): number {
  if (!Number.isInteger(slot) || slot < 0 || slot >= VPCD_SLOTS) {
    throw new RangeError(`vpcd slot must be 0–${VPCD_SLOTS - 1}`);
  }
  return VPCD_BASE_PORT + slot;
}

/** Length-prefixes one payload. */
export function encodeFrame(payload: Uint8Array): Buffer {
  if (payload.length > MAX_PAYLOAD) throw new RangeError('vpcd payload longer than 65535 bytes');
  const frame = Buffer.allocUnsafe(2 + payload.length);
  frame.writeUInt16BE(payload.length, 0);
  frame.set(payload, 2);
  return frame;
}

/** Reassembles frames from TCP chunks (a frame may arrive split, or several in one chunk). */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds one chunk; returns every frame now complete, in order. */
  push(chunk: Buffer): Uint8Array[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Uint8Array[] = [];
    let offset = 0;
    while (this.pending.length - offset >= 2) {
      const length = this.pending.readUInt16BE(offset);
      if (this.pending.length - offset - 2 < length) break;
      // Copy: the chunk's memory is reused by the socket.
      frames.push(new Uint8Array(this.pending.subarray(offset + 2, offset + 2 + length)));
      offset += 2 + length;
    }
    this.pending = this.pending.subarray(offset);
    return frames;
  }

  reset(): void {
    this.pending = Buffer.alloc(0);
  }
}
