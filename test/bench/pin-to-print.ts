/**
 * `npm run bench:kiosk`: PIN submit → printed page written, through the real agent (virtual card in the
 * in-process reader, simulated printer) and the real HQ gateway on loopback. Prints median and p95.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  IntentAck,
  ScreenState,
  ServerToClientEvents,
} from 'kiosk-agent/protocol/index';
import { devApi } from '../support/dev-api';
import { startTestSystem } from '../support/system';
import { uiToken } from '../support/ui';

const runs = Number(process.argv[2] ?? 20);
const system = await startTestSystem();
const dev = devApi(system.kioskUrl);
const token = await uiToken(system.kioskUrl);
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(system.kioskUrl, {
  auth: { token },
  transports: ['websocket'],
});
let state: ScreenState | undefined;
const waiters: { screen: string; resolve: () => void }[] = [];
socket.on('state', (next) => {
  state = next;
  for (const waiter of waiters.splice(0)) {
    if (waiter.screen === next.screen) waiter.resolve();
    else waiters.push(waiter);
  }
});
const reach = (screen: string) =>
  state?.screen === screen
    ? Promise.resolve()
    : new Promise<void>((resolve) => waiters.push({ screen, resolve }));
const send = async (intent: unknown) => {
  const ack = await new Promise<IntentAck>((resolve) => socket.emit('intent', intent, resolve));
  if (!ack.ok) throw new Error(`intent refused: ${ack.error.code}`);
};

const taro = (await dev.cards()).find((card) => card.id === 'demo-taro');
if (!taro) throw new Error('demo-taro missing');
const timings: number[] = [];
await reach('idle');
for (let i = 0; i < runs + 2; i++) {
  await send({ type: 'start' });
  await send({ type: 'selectCertificate', certificate: 'juminhyo' });
  await dev.insert('demo-taro');
  await reach('pin');
  const before = (await dev.prints()).length;
  const started = performance.now();
  await send({ type: 'submitPin', pin: taro.pins.userAuth });
  await reach('confirm');
  await send({ type: 'confirm' });
  await reach('takeCardAndCertificate');
  const elapsed = performance.now() - started;
  if ((await dev.prints()).length !== before + 1) throw new Error('no page written');
  if (i >= 2) timings.push(elapsed); // the first two warm up caches and JIT
  await dev.remove();
  await reach('idle');
}
timings.sort((a, b) => a - b);
const pick = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))]!;
console.log(
  `PIN submit → confirm → page written (300 dpi PNG), ${timings.length} runs: ` +
    `median ${pick(0.5).toFixed(0)} ms, p95 ${pick(0.95).toFixed(0)} ms, min ${timings[0]!.toFixed(0)} ms`,
);
socket.close();
await system.close();
