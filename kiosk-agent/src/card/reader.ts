/**
 * The narrow device interface every card reader implements: bytes in, bytes out, presence events.
 * The in-process emulator reader and the PC/SC reader (pcsclite) both implement it; the JPKI driver
 * (jpki.ts) only ever talks to this interface.
 */
export type ReaderEvent = { type: 'present' } | { type: 'empty' } | { type: 'unavailable' };

export interface CardConnection {
  /** Answer-to-reset of the powered card. Never identify a JPKI card by ATR alone. */
  readonly atr: Uint8Array;
  /**
   * Sends one command APDU and resolves with the response APDU (data ‖ SW1 SW2).
   * Rejects with a KioskError: CARD_REMOVED, CARD_TIMEOUT, CARD_UNREADABLE (e.g. a response shorter than 2 bytes).
   */
  transmit(command: Uint8Array, options?: { timeoutMs?: number }): Promise<Uint8Array>;
  /** Releases the card (the reader may power it off). Safe to call twice. */
  disconnect(): Promise<void>;
}

export interface CardReader {
  readonly name: string;
  /** Whether a card is in the reader now. */
  readonly cardPresent: boolean;
  /** Subscribes to presence changes; returns the unsubscribe function. */
  onEvent(listener: (event: ReaderEvent) => void): () => void;
  /** Powers the card and opens an exclusive connection. Rejects with CARD_REMOVED when no card is present. */
  connect(): Promise<CardConnection>;
  /** Releases every handle. */
  close(): Promise<void>;
}
