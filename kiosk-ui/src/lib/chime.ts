/**
 * A short two-note chime made with Web Audio (no audio files ship with the UI). One AudioContext for the
 * page; Chromium may keep it suspended until a user gesture unless the kiosk launcher allows autoplay
 * (--autoplay-policy=no-user-gesture-required), so resume() failing is not an error: the reminder
 * still pulses on screen.
 */
let context: AudioContext | null = null;

/** Plays the chime once; never throws. */
export function playChime(): void {
  try {
    context ??= new AudioContext();
    const ctx = context;
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    const start = ctx.currentTime + 0.02;
    // Two soft sine notes (E6 then C6): noticeable in a shop without being an alarm.
    [1318.5, 1046.5].forEach((frequency, i) => {
      const at = start + i * 0.28;
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.5);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.55);
    });
  } catch {
    // No audio device: the visible reminder is enough.
  }
}
