import path from 'node:path';
import type { EmulatorReader } from '../card/emulator-reader';
import { VirtualJpkiCard } from '../card/emulator/virtual-card';
import { listProfiles, loadProfile, saveProfile } from '../card/emulator/profile-store';
import type { CardProfile } from '../card/emulator/profile';

export interface DevCardView {
  id: string;
  holder: string;
  pins: { userAuth: string; signature: string | null };
  triesLeft: { userAuth: number; signature: number | null };
  locked: { userAuth: boolean; signature: boolean | null };
  inserted: boolean;
}

function view(profile: CardProfile, inserted: boolean): DevCardView {
  return {
    id: profile.id,
    holder: profile.holder,
    pins: { userAuth: profile.userAuth.pin, signature: profile.signature?.pin ?? null },
    triesLeft: { userAuth: profile.userAuth.triesLeft, signature: profile.signature?.triesLeft ?? null },
    locked: {
      userAuth: profile.userAuth.triesLeft === 0,
      signature: profile.signature ? profile.signature.triesLeft === 0 : null,
    },
    inserted,
  };
}

/**
 * The demo cards of the simulation: profiles on disk (`<dataDir>/cards/*.json`), one of which can sit in
 * the in-process reader. Each card persists its own retry counters back to its file.
 */
export class VirtualCardDeck {
  private insertedId: string | undefined;

  constructor(
    private readonly cardsDir: string,
    private readonly reader: EmulatorReader,
  ) {}

  async list(): Promise<DevCardView[]> {
    const profiles = await listProfiles(this.cardsDir);
    return profiles.map((profile) => view(profile, profile.id === this.insertedId));
  }

  /** Inserts the card with this id (removing any other first); undefined if there is no such card. */
  async insert(id: string): Promise<DevCardView | undefined> {
    const file = this.fileOf(id);
    if (!file) return undefined;
    const profile = await loadProfile(file).catch(() => undefined);
    if (!profile) return undefined;
    if (this.insertedId) this.remove();
    const card = new VirtualJpkiCard(profile, { persist: (updated) => saveProfile(file, updated) });
    this.reader.insert(card);
    this.insertedId = id;
    return view(profile, true);
  }

  remove(): boolean {
    const had = this.insertedId !== undefined;
    this.reader.remove();
    this.insertedId = undefined;
    return had;
  }

  private fileOf(id: string): string | undefined {
    // Ids are validated by the profile schema's pattern; refuse anything that could leave the folder.
    return /^[a-z0-9-]{1,40}$/.test(id) ? path.join(this.cardsDir, `${id}.json`) : undefined;
  }
}
