import type { CertificateOptions, DocumentContent, JuminhyoOptions, JuminhyoPerson } from '../api/schemas';
import { fullName, type Koseki, type Resident, type ResidentRecords } from '../registry/types';
import { chosenMembers, printsHonseki } from './options';

/**
 * What each certificate prints, from the registry records and options already checked against the offer
 * (issuance/options.ts). Throws only on records that contradict that check: better no document than a
 * wrong one.
 */
export function buildContent(options: CertificateOptions, records: ResidentRecords): DocumentContent {
  switch (options.type) {
    case 'juminhyo':
      return juminhyo(options, records);
    case 'sealRegistration':
      return sealRegistration(records);
    case 'taxIncome':
      return taxIncome(options.year, records);
    case 'koseki':
      return koseki(options.scope, records);
    case 'kosekiFuhyo':
      return kosekiFuhyo(records);
  }
}

function juminhyo(options: JuminhyoOptions, records: ResidentRecords): DocumentContent {
  const members = chosenMembers(options.members, records);
  if (!members || members.length === 0) throw new Error('juminhyo members were not checked');
  const householder = records.household.members.find((m) => m.isHouseholder);
  const withRelationship = options.householderAndRelationship;
  const persons = members.map((m): JuminhyoPerson => ({
    name: nameOf(m),
    nameKana: fullName(m.familyNameKana, m.givenNameKana),
    birthDate: m.birthDate,
    sex: m.sex,
    relationship: withRelationship ? m.relationship : null,
    becameResidentOn: m.becameResidentOn,
    honseki: options.honseki && printsHonseki(m) ? m.honseki : null,
    myNumber: options.myNumber ? m.myNumber : null,
    foreign: options.foreignResidentFields ? m.foreign : null,
  }));
  return {
    type: 'juminhyo',
    address: records.household.address,
    householder: withRelationship && householder ? nameOf(householder) : null,
    wholeHousehold: members.length === records.household.members.length,
    persons,
  };
}

function sealRegistration(records: ResidentRecords): DocumentContent {
  const seal = records.sealRegistration;
  if (!seal) throw new Error('no seal registration');
  const { holder } = records;
  return {
    type: 'sealRegistration',
    name: nameOf(holder),
    nameKana: fullName(holder.familyNameKana, holder.givenNameKana),
    birthDate: holder.birthDate,
    address: records.household.address,
    registrationNumber: seal.registrationNumber,
    impression: seal.impression,
  };
}

function taxIncome(year: number, records: ResidentRecords): DocumentContent {
  const record = records.taxRecords.find((t) => t.fiscalYear === year);
  if (!record) throw new Error('no tax record for that year');
  const { holder } = records;
  return {
    type: 'taxIncome',
    fiscalYear: record.fiscalYear,
    name: nameOf(holder),
    address: records.household.address,
    birthDate: holder.birthDate,
    incomeYen: record.incomeYen,
    totalIncomeYen: record.totalIncomeYen,
    deductionsYen: record.deductionsYen,
    taxableIncomeYen: record.taxableIncomeYen,
    municipalTaxYen: record.municipalTaxYen,
    prefecturalTaxYen: record.prefecturalTaxYen,
  };
}

function koseki(scope: 'all' | 'individual', records: ResidentRecords): DocumentContent {
  const register = kosekiOf(records);
  const persons =
    scope === 'all' ? register.persons : register.persons.filter((p) => p.residentId === records.holder.id);
  if (persons.length === 0) throw new Error('holder not in their 戸籍');
  return {
    type: 'koseki',
    scope,
    honseki: register.honseki,
    head: register.head,
    persons: persons.map((p) => ({
      name: p.name,
      birthDate: p.birthDate,
      sex: p.sex,
      father: p.father,
      mother: p.mother,
      relationship: p.relationship,
      events: p.events,
    })),
  };
}

/** Every person of the 戸籍 with an address history on the 附票. */
function kosekiFuhyo(records: ResidentRecords): DocumentContent {
  const register = kosekiOf(records);
  const persons = register.persons.filter((p) => p.addresses.length > 0);
  if (persons.length === 0) throw new Error('empty 附票');
  return {
    type: 'kosekiFuhyo',
    honseki: register.honseki,
    head: register.head,
    persons: persons.map((p) => ({ name: p.name, birthDate: p.birthDate, addresses: p.addresses })),
  };
}

function kosekiOf(records: ResidentRecords): Koseki {
  if (!records.koseki) throw new Error('no 戸籍 in this municipality');
  return records.koseki;
}

export function nameOf(r: Resident): string {
  return fullName(r.familyName, r.givenName);
}
