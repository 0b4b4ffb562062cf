import { z } from 'zod';

/**
 * POST /v1/enroll — the one kiosk route without a client certificate: a one-time code and a PKCS#10 CSR in,
 * the terminal's client certificate and the CA to pin for HQ out. Imported by the kiosk's enrolment tool.
 */

const pem = (label: string) =>
  z
    .string()
    .max(8192)
    .regex(
      new RegExp(`^-----BEGIN ${label}-----[A-Za-z0-9+/=\\s]+-----END ${label}-----\\s*$`),
      `must be a ${label} PEM`,
    );

export const EnrollRequest = z.strictObject({
  /** As the operator gave it; case, dashes and spaces do not matter. */
  code: z.string().min(16).max(64),
  csr: pem('CERTIFICATE REQUEST'),
});
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const EnrollResponse = z.object({
  terminalId: z.string(),
  /** The terminal's client certificate, PEM. */
  certificate: pem('CERTIFICATE'),
  /** HQ's TLS CA, PEM: what the kiosk pins for every later request. */
  hqCaCertificate: pem('CERTIFICATE'),
  notAfter: z.iso.datetime(),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;
