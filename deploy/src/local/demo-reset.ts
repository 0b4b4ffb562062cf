/** `npm run demo:reset`: restores the demo cards' retry counters and empties the printed output. */
import { rm, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDemoData, resetDemoCards } from './seed';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = path.resolve(process.env.KIOSK_DATA_DIR ?? path.join(root, 'data'));
const outputDir = path.resolve(process.env.KIOSK_OUTPUT_DIR ?? path.join(root, 'output'));

await ensureDemoData(dataDir);
await resetDemoCards(dataDir);
await rm(outputDir, { recursive: true, force: true });
await mkdir(outputDir, { recursive: true });
console.log(`Demo cards restored in ${dataDir}; ${outputDir} emptied.`);
