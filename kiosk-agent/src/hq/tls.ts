import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Agent } from 'undici';
import { z } from 'zod';

/**
 * The kiosk's identity towards HQ, as enrolment left it in the data folder: its own key (generated here,
 * never sent anywhere), the client certificate HQ's terminal CA issued for it, and HQ's CA, which the kiosk
 * pins instead of trusting the public web PKI.
 */

export function terminalFiles(dataDir: string) {
  const dir = path.join(dataDir, 'kiosk');
  return {
    dir,
    /** PKCS#8 PEM, mode 0600. */
    key: path.join(dir, 'terminal.key'),
    certificate: path.join(dir, 'terminal.pem'),
    hqCa: path.join(dir, 'hq-ca.pem'),
    /** {terminalId, hqUrl}. */
    config: path.join(dir, 'terminal.json'),
  };
}

export const TerminalConfig = z.object({ terminalId: z.string().min(1).max(64), hqUrl: z.url() });
export type TerminalConfig = z.infer<typeof TerminalConfig>;

/** PEM texts for the TLS connection to HQ. */
export interface TerminalTls {
  ca: string;
  cert: string;
  key: string;
}

export interface TerminalIdentity extends TerminalConfig {
  tls: TerminalTls;
}

export async function isEnrolled(dataDir: string): Promise<boolean> {
  const files = terminalFiles(dataDir);
  const present = await Promise.all(
    [files.key, files.certificate, files.hqCa, files.config].map((f) =>
      access(f).then(
        () => true,
        () => false,
      ),
    ),
  );
  return present.every(Boolean);
}

export async function loadTerminalIdentity(dataDir: string): Promise<TerminalIdentity> {
  const files = terminalFiles(dataDir);
  try {
    const [config, key, cert, ca] = await Promise.all([
      readFile(files.config, 'utf8'),
      readFile(files.key, 'utf8'),
      readFile(files.certificate, 'utf8'),
      readFile(files.hqCa, 'utf8'),
    ]);
    return { ...TerminalConfig.parse(JSON.parse(config)), tls: { ca, cert, key } };
  } catch (error) {
    throw new Error(`no terminal identity in ${files.dir}: enrol first (npm run enroll -- --hq … --code …)`, {
      cause: error,
    });
  }
}

/**
 * An undici dispatcher for HQ: pins `ca` and presents the client certificate when given. Sockets are kept
 * alive; HQ still checks the certificate on every request.
 */
export function hqDispatcher(tls: Partial<TerminalTls>): Agent {
  return new Agent({
    // Longer than the 15 s heartbeat (HQ keeps idle connections 30 s): no new mTLS handshake per heartbeat.
    keepAliveTimeout: 25_000,
    keepAliveMaxTimeout: 60_000,
    connect: {
      ...(tls.ca !== undefined && { ca: tls.ca }),
      ...(tls.cert !== undefined && { cert: tls.cert }),
      ...(tls.key !== undefined && { key: tls.key }),
    },
  });
}
