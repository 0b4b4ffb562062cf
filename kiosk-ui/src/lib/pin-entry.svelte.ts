import { kiosk } from './kiosk.svelte';

interface PinEntryOptions {
  /** The longest entry (the keys stop there). */
  max: () => number;
  /** Whether what is typed may be submitted. */
  valid: (value: string) => boolean;
  /** More to undo when a new notice arrives (after the entry is wiped). */
  onNotice?: () => void;
}

/**
 * A secret being typed on a keypad: local only, never logged, masked unless the user shows it, sent
 * once. Create it while a screen initialises: it lives and dies with that screen.
 */
export class PinEntry {
  /** What is typed so far (never rendered except while `revealed`). */
  value = $state('');
  /** The user chose to show what is typed (alphanumeric entries). */
  revealed = $state(false);
  /** True from sending until the agent answers, so a double tap cannot send twice. */
  sending = $state(false);

  #options: PinEntryOptions;
  // Keyed by content so a repeated push of the same notice (language switch, inactivity warning) does
  // not wipe what was typed since.
  #noticeKey = $derived(kiosk.notice ? `${kiosk.notice.code}:${kiosk.notice.triesLeft ?? ''}` : null);

  constructor(options: PinEntryOptions) {
    this.#options = options;
    // A new notice (e.g. PIN_WRONG) wipes what was typed.
    $effect(() => {
      if (this.#noticeKey !== null) {
        this.reset();
        this.#options.onNotice?.();
      }
    });
  }

  get valid(): boolean {
    return this.#options.valid(this.value);
  }

  /** Character keys off: full, or being sent. */
  get charsDisabled(): boolean {
    return this.sending || this.value.length >= this.#options.max();
  }

  /** Delete keys off: nothing typed, or being sent. */
  get editDisabled(): boolean {
    return this.sending || this.value.length === 0;
  }

  get submitDisabled(): boolean {
    return this.sending || !this.valid;
  }

  type = (char: string): void => {
    if (this.charsDisabled) return;
    this.value += char.toUpperCase();
    kiosk.activity();
  };

  backspace = (): void => {
    this.value = this.value.slice(0, -1);
  };

  clear = (): void => {
    this.value = '';
  };

  /** Wipes what is typed and masks the field again. */
  reset(): void {
    this.value = '';
    this.revealed = false;
  }

  /** Sends what is typed, if it may be: the entry is wiped first, and no second send until the answer. */
  async submit(send: (value: string) => Promise<unknown>): Promise<void> {
    if (this.submitDisabled) return;
    const value = this.value;
    this.reset();
    this.sending = true;
    try {
      await send(value);
    } finally {
      this.sending = false;
    }
  }
}
