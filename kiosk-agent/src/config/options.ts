import { parseArgs } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const here = path.dirname(fileURLToPath(import.meta.url));

export const AgentOptions = z.object({
  dataDir: z.string(),
  outputDir: z.string(),
  host: z.string(),
  port: z.number().int().min(0).max(65535),
  /** HQ is reached over HTTPS only (mutual TLS with the terminal certificate from the data folder). */
  hqUrl: z.url({ protocol: /^https$/ }),
  uiDist: z.string(),
  /** 'virtual': the in-process card emulator driven from /dev; 'pcsc': a real reader through pcscd. */
  reader: z.enum(['virtual', 'pcsc']),
  /** 'simulated' (pages as PNG files in outputDir) or an IPP Everywhere printer URL, e.g. ipp://host:631/ipp/print. */
  printer: z.union([z.literal('simulated'), z.string().regex(/^ipps?:\/\/[^\s]+$/)]),
  inactivity: z.object({ idleMs: z.number().int().positive(), warningMs: z.number().int().positive() }),
});
export type AgentOptions = z.infer<typeof AgentOptions>;

export const defaultAgentOptions: AgentOptions = {
  dataDir: path.resolve('data'),
  outputDir: path.resolve('output'),
  host: '127.0.0.1',
  port: 4100,
  hqUrl: 'https://127.0.0.1:4200',
  uiDist: path.resolve(here, '../../../kiosk-ui/dist'),
  reader: 'virtual',
  printer: 'simulated',
  inactivity: { idleMs: 60_000, warningMs: 20_000 },
};

/** Command-line options of `kiosk-agent/src/main.ts`; unknown or malformed options are an error. */
export function parseAgentArgs(argv: string[]): AgentOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      output: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      hq: { type: 'string' },
      'ui-dist': { type: 'string' },
      reader: { type: 'string' },
      printer: { type: 'string' },
    },
    strict: true,
  });
  return AgentOptions.parse({
    ...defaultAgentOptions,
    ...(values.data && { dataDir: path.resolve(values.data) }),
    ...(values.output && { outputDir: path.resolve(values.output) }),
    ...(values.host && { host: values.host }),
    ...(values.port && { port: Number(values.port) }),
    ...(values.hq && { hqUrl: values.hq }),
    ...(values['ui-dist'] && { uiDist: path.resolve(values['ui-dist']) }),
    ...(values.reader && { reader: values.reader }),
    ...(values.printer && { printer: values.printer }),
  });
}
