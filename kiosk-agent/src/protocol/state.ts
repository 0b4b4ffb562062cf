import { z } from 'zod';
import { ErrorInfo } from './errors';

export const Language = z.enum(['ja', 'en']);
export type Language = z.infer<typeof Language>;

export const CertificateType = z.enum(['juminhyo']);
export type CertificateType = z.infer<typeof CertificateType>;

const common = {
  language: Language,
  /** A message to show on top of the screen (e.g. "the card was removed"), cleared by the next step. */
  notice: ErrorInfo.nullable(),
  /** Set while the inactivity warning is showing: when the kiosk will reset (epoch ms). */
  inactivityResetAt: z.number().nullable(),
};

/**
 * The whole screen state the agent sends to the UI. It never carries a PIN or key material, and
 * personal data only on screens that must show it to the card holder.
 */
export const ScreenState = z.discriminatedUnion('screen', [
  z.object({ screen: z.literal('idle'), ...common }),
  z.object({ screen: z.literal('serviceMenu'), ...common, services: z.array(CertificateType) }),
  z.object({ screen: z.literal('placeCard'), ...common, certificate: CertificateType }),
  z.object({
    screen: z.literal('pin'),
    ...common,
    certificate: CertificateType,
    triesLeft: z.number().int().min(0),
    maxTries: z.number().int().min(1),
  }),
  z.object({ screen: z.literal('authenticating'), ...common, certificate: CertificateType }),
  z.object({
    screen: z.literal('confirm'),
    ...common,
    certificate: CertificateType,
    copies: z.number().int().min(1),
    feeYen: z.number().int().min(0),
    municipality: z.string(),
  }),
  z.object({
    screen: z.literal('printing'),
    ...common,
    certificate: CertificateType,
    page: z.number().int().min(0),
    pages: z.number().int().min(1),
  }),
  z.object({ screen: z.literal('takeCardAndCertificate'), ...common, certificate: CertificateType }),
  z.object({ screen: z.literal('pinLocked'), ...common }),
]);
export type ScreenState = z.infer<typeof ScreenState>;
export type ScreenName = ScreenState['screen'];

export const ReaderStatus = z.enum(['ready', 'cardPresent', 'unavailable']);
export const PrinterStatus = z.enum(['idle', 'printing', 'paperOut', 'jam', 'offline']);
export const HqLinkStatus = z.enum(['online', 'offline']);

/** Device status snapshot, then only the fields that changed (XFS4IoT Common.Status style). */
export const DeviceStatus = z.object({
  reader: ReaderStatus,
  printer: PrinterStatus,
  hq: HqLinkStatus,
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;
export const DeviceStatusChange = DeviceStatus.partial();
export type DeviceStatusChange = z.infer<typeof DeviceStatusChange>;
