/** Names and object identifiers of JPKI certificates (jpki-card.md, "Certificates"). */

export type JpkiCaKind = 'userAuth' | 'signature';

/** The subject OU that tells a user-authentication CA from a signature CA (they share C and O). */
export const JPKI_CA_OU: Record<JpkiCaKind, string> = {
  userAuth: 'JPKI for user authentication',
  signature: 'JPKI for digital signature',
};
export const JLIS_OU = 'Japan Agency for Local Authority Information Systems';

/** DN attribute types. */
export const DN_ATTR = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', L: '2.5.4.7', CN: '2.5.4.3' } as const;

/** otherName type ids in the subjectAltName of a signature certificate. */
export const JPKI_SAN_OID = {
  name: '1.2.392.200149.8.5.5.1',
  nameSubstitutePositions: '1.2.392.200149.8.5.5.2',
  sex: '1.2.392.200149.8.5.5.3',
  birthDate: '1.2.392.200149.8.5.5.4',
  address: '1.2.392.200149.8.5.5.5',
  addressSubstitutePositions: '1.2.392.200149.8.5.5.6',
} as const;
