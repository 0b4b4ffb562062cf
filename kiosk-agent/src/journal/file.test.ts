import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppendFile, encodeLine, JournalCorruptError, readJournalFile, rewriteAtomically } from './file';

describe('journal file', () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiosk-journal-file-'));
    path = join(dir, 'nested', 'j.journal');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a missing file reads as empty', async () => {
    expect(await readJournalFile(path)).toEqual({ values: [], validBytes: 0, tornBytes: 0 });
  });

  it('appends checksummed lines, creating the folder and the file', async () => {
    const file = await AppendFile.open(path, 0);
    await file.append(encodeLine({ a: 1 }));
    await file.append(encodeLine({ b: 'ü' }));
    await file.close();
    const text = await readFile(path, 'utf8');
    expect(text).toMatch(/^[0-9a-f]{8} \{"a":1\}\n[0-9a-f]{8} \{"b":"ü"\}\n$/);
    expect(await readJournalFile(path)).toEqual({
      values: [{ a: 1 }, { b: 'ü' }],
      validBytes: Buffer.byteLength(text),
      tornBytes: 0,
    });
  });

  it('drops a last line cut anywhere, and a whole last line with a bad checksum', async () => {
    const good = encodeLine({ n: 1 });
    const last = encodeLine({ n: 2, pad: 'x'.repeat(20) });
    const flat = join(dir, 'j.journal');
    for (let cut = 1; cut <= last.length; cut++) {
      const torn = cut === last.length ? last.replace('"n":2', '"n":3') : last.slice(0, cut);
      await writeFile(flat, good + torn);
      const read = await readJournalFile(flat);
      expect(read.values).toEqual([{ n: 1 }]);
      expect(read.validBytes).toBe(good.length);
      expect(read.tornBytes).toBe(torn.length);
    }
  });

  it('refuses a bad line in the middle: that is corruption, not a torn write', async () => {
    const flat = join(dir, 'j.journal');
    await writeFile(flat, encodeLine({ n: 1 }).replace('1', '2') + encodeLine({ n: 3 }));
    await expect(readJournalFile(flat)).rejects.toBeInstanceOf(JournalCorruptError);
  });

  it('opening cuts off a torn tail so the next append starts on a clean line', async () => {
    const flat = join(dir, 'j.journal');
    await writeFile(flat, encodeLine({ n: 1 }));
    await appendFile(flat, '0badc0de {"n":');
    const { validBytes } = await readJournalFile(flat);
    const file = await AppendFile.open(flat, validBytes);
    await file.append(encodeLine({ n: 2 }));
    await file.close();
    expect((await readJournalFile(flat)).values).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('rewrites atomically and leaves no temporary file', async () => {
    const flat = join(dir, 'j.journal');
    await writeFile(flat, encodeLine({ old: true }));
    await rewriteAtomically(flat, [encodeLine({ n: 1 })]);
    expect((await readJournalFile(flat)).values).toEqual([{ n: 1 }]);
    await expect(readFile(`${flat}.tmp`)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
