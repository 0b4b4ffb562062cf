import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Private keys: readable by the owner only (the mode given to writeFile applies only on creation). */
export async function writeSecretFile(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text, { mode: 0o600 });
  await chmod(file, 0o600);
}

export async function writePublicFile(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}
