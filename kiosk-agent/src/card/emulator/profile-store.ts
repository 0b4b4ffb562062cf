import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { CardProfile } from './profile';
import type { PersistProfile } from './virtual-card';

/**
 * Card profiles on disk: one JSON file per card. Saving is atomic (temp file, fsync, rename, fsync of the
 * folder) so that a crash mid-write never leaves a half-written card — a torn file could unlock a locked card.
 */

/** A profile file that cannot be read, is no JSON, or does not match the CardProfile schema. */
export class ProfileFileError extends Error {
  readonly file: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`card profile ${file}: ${problem}`, options);
    this.name = 'ProfileFileError';
    this.file = file;
  }
}

export type ProfileListing =
  { file: string; profile: CardProfile } | { file: string; error: ProfileFileError };

const PROFILE_SUFFIX = '.json';

/** Reads and validates one profile file. Rejects with ProfileFileError naming the file and the problem. */
export async function loadProfile(file: string): Promise<CardProfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ProfileFileError(file, `cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProfileFileError(file, `not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = CardProfile.safeParse(json);
  if (!parsed.success) {
    throw new ProfileFileError(
      file,
      `does not match the card profile schema:\n${z.prettifyError(parsed.error)}`,
      {
        cause: parsed.error,
      },
    );
  }
  return parsed.data;
}

/**
 * Every profile in a folder (`*.json`), sorted by file name. Rejects with ProfileFileError on the first bad
 * file, and on a missing folder: a broken demo card should be fixed, not silently left out.
 */
export async function listProfiles(folder: string): Promise<CardProfile[]> {
  const listings = await scanProfiles(folder);
  return listings.map((listing) => {
    if ('error' in listing) throw listing.error;
    return listing.profile;
  });
}

/**
 * Like listProfiles, but a bad file does not hide the good ones: it is listed with its error (for tooling that
 * shows what is wrong). A missing folder still rejects (a wrong path should not look like "no cards").
 */
export async function scanProfiles(folder: string): Promise<ProfileListing[]> {
  const names = (await readdir(folder, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name.endsWith(PROFILE_SUFFIX))
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name): Promise<ProfileListing> => {
      const file = join(folder, name);
      try {
        return { file, profile: await loadProfile(file) };
      } catch (error) {
        if (error instanceof ProfileFileError) return { file, error };
        throw error;
      }
    }),
  );
}

/** Validates and writes a profile atomically. The temp file lives next to the target so rename stays atomic. */
export async function saveProfile(file: string, profile: CardProfile): Promise<void> {
  const valid = CardProfile.parse(profile);
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(`${JSON.stringify(valid, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncFolder(dirname(file));
}

/** A `persist` callback for VirtualJpkiCard that saves to one file. */
export function persistToFile(file: string): PersistProfile {
  return (profile) => saveProfile(file, profile);
}

/** Makes the rename itself durable. Some platforms cannot open a folder for fsync; the rename is done anyway. */
async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Best effort: the data itself was fsynced before the rename.
  } finally {
    await handle?.close();
  }
}
