import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CardProfile } from './profile';
import { listProfiles, loadProfile, ProfileFileError, saveProfile, scanProfiles } from './profile-store';
import { makeTestProfile } from './testing/test-keys';

let profile: CardProfile;
let dir: string;

beforeAll(async () => {
  profile = await makeTestProfile({ id: 'demo-taro' });
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'profile-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saveProfile / loadProfile', () => {
  it('round-trips a profile and leaves no temp file behind', async () => {
    const file = join(dir, 'demo-taro.json');
    await saveProfile(file, profile);
    expect(await loadProfile(file)).toEqual(profile);
    expect(await readdir(dir)).toEqual(['demo-taro.json']);
  });

  it('overwrites an existing file with the new content', async () => {
    const file = join(dir, 'demo-taro.json');
    await saveProfile(file, profile);
    await saveProfile(file, { ...profile, userAuth: { ...profile.userAuth, triesLeft: 0 } });
    expect((await loadProfile(file)).userAuth.triesLeft).toBe(0);
    expect(await readdir(dir)).toEqual(['demo-taro.json']);
  });

  it('fills schema defaults on load (a hand-written file may omit options)', async () => {
    const file = join(dir, 'minimal.json');
    const { options: _options, ...withoutOptions } = profile;
    await writeFile(file, JSON.stringify(withoutOptions));
    expect((await loadProfile(file)).options.retryCounterAfterVerify).toBe('63Cx');
  });

  it('refuses to save an invalid profile and keeps the old file', async () => {
    const file = join(dir, 'demo-taro.json');
    await saveProfile(file, profile);
    const before = await readFile(file, 'utf8');
    await expect(saveProfile(file, { ...profile, serial: 'lower-case' })).rejects.toThrow();
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await readdir(dir)).toEqual(['demo-taro.json']);
  });

  it('removes its temp file when the rename fails', async () => {
    const target = join(dir, 'occupied.json');
    await mkdir(target); // a folder where the file should go: rename fails
    await expect(saveProfile(target, profile)).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['occupied.json']);
  });

  it('names the file and the problem for a bad file', async () => {
    const missing = join(dir, 'missing.json');
    await expect(loadProfile(missing)).rejects.toThrow(`card profile ${missing}: cannot read (ENOENT)`);

    const notJson = join(dir, 'broken.json');
    await writeFile(notJson, '{ "version": 1,');
    const jsonError = await loadProfile(notJson).catch((error: unknown) => error);
    expect(jsonError).toBeInstanceOf(ProfileFileError);
    expect((jsonError as ProfileFileError).file).toBe(notJson);
    expect((jsonError as Error).message).toContain('not valid JSON');

    const badSchema = join(dir, 'bad.json');
    await writeFile(
      badSchema,
      JSON.stringify({ ...profile, serial: 'x', userAuth: { ...profile.userAuth, triesLeft: -1 } }),
    );
    const schemaError = await loadProfile(badSchema).catch((error: unknown) => error);
    expect(schemaError).toBeInstanceOf(ProfileFileError);
    expect((schemaError as Error).message).toContain('does not match the card profile schema');
    expect((schemaError as Error).message).toContain('serial');
    expect((schemaError as Error).message).toContain('userAuth.triesLeft');
  });

  it('refuses a profile without a valid management key', async () => {
    const { managementKey: _key, ...withoutKey } = profile;
    const missing = join(dir, 'no-key.json');
    await writeFile(missing, JSON.stringify(withoutKey));
    await expect(loadProfile(missing)).rejects.toThrow('managementKey');
    const short = join(dir, 'short-key.json');
    await writeFile(
      short,
      JSON.stringify({ ...profile, managementKey: Buffer.alloc(16).toString('base64') }),
    );
    await expect(loadProfile(short)).rejects.toThrow('managementKey');
  });
});

describe('listProfiles / scanProfiles', () => {
  it('lists the *.json profiles sorted by file name, ignoring other files', async () => {
    await saveProfile(join(dir, 'b.json'), { ...profile, id: 'b' });
    await saveProfile(join(dir, 'a.json'), { ...profile, id: 'a' });
    await writeFile(join(dir, 'notes.txt'), 'not a card');
    await writeFile(join(dir, '.a.json.123.abcd.tmp'), '{');
    await mkdir(join(dir, 'sub.json'));
    expect((await listProfiles(dir)).map((p) => p.id)).toEqual(['a', 'b']);
  });

  it('listProfiles rejects on a bad file; scanProfiles lists it with its error', async () => {
    await saveProfile(join(dir, 'a.json'), { ...profile, id: 'a' });
    await writeFile(join(dir, 'b.json'), '[]');
    await expect(listProfiles(dir)).rejects.toBeInstanceOf(ProfileFileError);
    const scan = await scanProfiles(dir);
    expect(scan.map((entry) => ('profile' in entry ? entry.profile.id : 'error'))).toEqual(['a', 'error']);
    const bad = scan[1];
    expect(bad && 'error' in bad ? bad.error.file : undefined).toBe(join(dir, 'b.json'));
  });

  it('an empty folder lists nothing; a missing folder rejects', async () => {
    expect(await listProfiles(dir)).toEqual([]);
    await expect(listProfiles(join(dir, 'nope'))).rejects.toThrow();
  });
});
