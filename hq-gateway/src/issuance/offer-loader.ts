import type { Queryable } from '../db/database';
import { loadMunicipalityConfig } from '../registry/config-store';
import { loadResidentRecords } from '../registry/records';
import type { MunicipalityConfig, ResidentRecords } from '../registry/types';
import { computeOffer, type ComputedOffer } from './offer';

export interface LoadedOffer {
  records: ResidentRecords;
  config: MunicipalityConfig;
  offer: ComputedOffer;
}

/** The resident's records, their municipality's configuration and the offer they make at `now`. */
export async function loadOffer(db: Queryable, residentId: string, now: Date): Promise<LoadedOffer | null> {
  const records = await loadResidentRecords(db, residentId);
  if (!records) return null;
  const config = await loadMunicipalityConfig(db, records.municipality.code, now);
  if (!config) return null;
  return { records, config, offer: computeOffer(records, config, now) };
}
