import { seedHqTls } from './tls-ca';
import { seedTerminalCa } from './terminal-ca';

/**
 * Seeds HQ's two CAs in a data folder: the HQ TLS CA with the gateway's server certificate (data/hq/tls/) and
 * the terminal CA (data/hq/terminal-ca/). `serverNames`: DNS names or IPs beyond the loopback ones, e.g. the
 * name kiosks use to reach HQ.
 */
export async function seedHqIdentity(dataDir: string, options: { serverNames?: readonly string[] } = {}) {
  const [tls, terminalCa] = await Promise.all([
    seedHqTls(dataDir, options.serverNames),
    seedTerminalCa(dataDir),
  ]);
  return { tls, terminalCa };
}
