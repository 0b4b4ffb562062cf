import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * The journal on disk: one record per line, `<crc32 as 8 hex digits> <json>\n`. A line is valid only when it ends
 * with a newline and its checksum matches, so a line torn by a crash mid-write is recognised and dropped.
 */

export class JournalCorruptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalCorruptError';
  }
}

export function encodeLine(record: unknown): string {
  const json = JSON.stringify(record);
  return `${checksum(json)} ${json}\n`;
}

function checksum(json: string): string {
  return crc32(json).toString(16).padStart(8, '0');
}

/** The JSON text of a complete line (without its newline), or undefined when the checksum does not match. */
function decodeLine(line: string): unknown {
  const match = /^([0-9a-f]{8}) (.*)$/s.exec(line);
  if (!match || checksum(match[2]!) !== match[1]) return undefined;
  try {
    return JSON.parse(match[2]!) as unknown;
  } catch {
    return undefined;
  }
}

export interface JournalContents {
  /** The decoded values of the valid lines, in order (not yet checked against the record schemas). */
  values: unknown[];
  /** Bytes of the valid prefix: everything after it is a torn last record. */
  validBytes: number;
  /** Bytes dropped after the valid prefix (0 when the file ended cleanly). */
  tornBytes: number;
}

/**
 * Reads a journal file (missing = empty). A bad last line is a torn write and is dropped; a bad line followed by
 * good ones cannot come from a crash (each append is fsynced before the next starts) and throws.
 */
export async function readJournalFile(path: string): Promise<JournalContents> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { values: [], validBytes: 0, tornBytes: 0 };
    throw error;
  }
  const values: unknown[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const end = bytes.indexOf(0x0a, offset);
    if (end === -1) break; // no newline: torn
    const value = decodeLine(bytes.subarray(offset, end).toString('utf8'));
    if (value === undefined) {
      if (end + 1 < bytes.length) {
        throw new JournalCorruptError(`${path}: bad record at byte ${offset} followed by more records`);
      }
      break; // a whole but garbled last line: torn as well
    }
    values.push(value);
    offset = end + 1;
  }
  return { values, validBytes: offset, tornBytes: bytes.length - offset };
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** An open journal file that only grows, one fsynced line at a time. */
export class AppendFile {
  private constructor(
    readonly path: string,
    private handle: FileHandle,
  ) {}

  /**
   * Opens `path` for appending, creating it (and its folders) if needed — the directories are fsynced so the new
   * names survive a crash — and cutting off a torn tail so the next line starts clean.
   */
  static async open(path: string, validBytes: number): Promise<AppendFile> {
    const firstCreated = await mkdir(dirname(path), { recursive: true });
    if (firstCreated) {
      // New folders: make their names durable too, from the journal's folder up to the pre-existing parent.
      for (let dir = dirname(path); dir !== dirname(firstCreated); dir = dirname(dir)) {
        await fsyncDirectory(dirname(dir));
      }
    }
    let created = false;
    let handle: FileHandle;
    try {
      handle = await open(
        path,
        constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL,
      );
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      handle = await open(path, constants.O_WRONLY | constants.O_APPEND);
    }
    if (created) {
      await handle.sync();
      await fsyncDirectory(dirname(path));
    } else if ((await handle.stat()).size > validBytes) {
      await handle.truncate(validBytes);
      await handle.sync();
    }
    return new AppendFile(path, handle);
  }

  /** Writes one whole line and returns once it is on disk. */
  async append(line: string): Promise<void> {
    const bytes = Buffer.from(line, 'utf8');
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
    await this.handle.sync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/**
 * Replaces `path` with `lines` atomically: a temporary file is written and fsynced, renamed over the journal, and
 * the directory fsynced. A crash leaves either the old journal or the new one, never a mix.
 */
export async function rewriteAtomically(path: string, lines: string[]): Promise<void> {
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(lines.join(''), 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await fsyncDirectory(dirname(path));
}

/** Removes a temporary file left by a compaction that crashed before its rename. */
export async function removeStaleTemp(path: string): Promise<void> {
  await rm(`${path}.tmp`, { force: true });
}
