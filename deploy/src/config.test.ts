import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The deployment files name scripts, flags, ports and paths of the code. These tests keep them honest: a
 * renamed script, a dropped command-line flag or a moved route fails here instead of on a kiosk.
 */

const DEPLOY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.resolve(DEPLOY, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const scripts = Object.keys(
  (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts,
);

type Unit = Map<string, [key: string, value: string][]>;

/** systemd's INI dialect, enough for our files: sections, `Key=value`, repeated keys, comments. */
function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      if (!unit.has(section)) unit.set(section, []);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || section === '') throw new Error(`not a unit-file line: ${line}`);
    unit.get(section)!.push([line.slice(0, eq), line.slice(eq + 1)]);
  }
  return unit;
}

function values(unit: Unit, section: string, key: string): string[] {
  return (unit.get(section) ?? []).filter(([k]) => k === key).map(([, v]) => v);
}

function one(unit: Unit, section: string, key: string): string {
  const found = values(unit, section, key);
  if (found.length !== 1) throw new Error(`expected one ${section}.${key}, found ${found.length}`);
  return found[0]!;
}

const unitFiles = ['kiosk/systemd', 'hq/systemd'].flatMap((dir) =>
  readdirSync(path.join(DEPLOY, dir))
    .filter((f) => /\.(service|timer)$/.test(f))
    .map((f) => `deploy/${dir}/${f}`),
);
const units = new Map(unitFiles.map((file) => [path.basename(file), parseUnit(read(file))]));
const unit = (name: string) => {
  const found = units.get(name);
  if (!found) throw new Error(`no unit ${name}`);
  return found;
};

/** `--name value` pairs of a command line (flags without a value get ''). */
function flags(command: string): Map<string, string> {
  const words = command.split(/\s+/);
  const result = new Map<string, string>();
  words.forEach((word, i) => {
    if (!word.startsWith('--')) return;
    const next = words[i + 1];
    result.set(word.slice(2), next !== undefined && !next.startsWith('--') ? next : '');
  });
  return result;
}

/** The TypeScript entry point a `node --import tsx <file>` command runs, checked to exist. */
function entryPoint(command: string): string {
  const file = command.split(/\s+/).find((w) => w.endsWith('.ts'));
  if (!file) throw new Error(`no .ts entry point in: ${command}`);
  return file;
}

/** Where each entry point declares its command-line options (node:util parseArgs). */
const OPTION_SOURCES: Record<string, string> = {
  'kiosk-agent/src/main.ts': 'kiosk-agent/src/config/options.ts',
  'hq-gateway/src/main.ts': 'hq-gateway/src/main.ts',
};

function declaresOption(source: string, flag: string): boolean {
  const text = read(source);
  return text.includes(`'${flag}': {`) || new RegExp(`\\b${flag}: \\{ type`).test(text);
}

describe('unit files', () => {
  it('all parse, describe themselves, and every timer has its service', () => {
    expect(unitFiles.length).toBeGreaterThanOrEqual(5);
    for (const [name, u] of units) {
      expect(values(u, 'Unit', 'Description'), name).toHaveLength(1);
      if (name.endsWith('.timer')) {
        expect(units.has(name.replace(/\.timer$/, '.service')), name).toBe(true);
        expect(values(u, 'Timer', 'OnCalendar'), name).toHaveLength(1);
      }
    }
  });

  it('run entry points that exist, with options they declare', () => {
    for (const name of ['kiosk-agent.service', 'hq-gateway@.service']) {
      const command = one(unit(name), 'Service', 'ExecStart');
      const entry = entryPoint(command);
      expect(existsSync(path.join(ROOT, entry)), `${name}: ${entry}`).toBe(true);
      const source = OPTION_SOURCES[entry];
      expect(source, `${name}: where does ${entry} declare its options?`).toBeDefined();
      // Only the entry point's own options (node's --import comes before it).
      for (const flag of flags(command.slice(command.indexOf(entry))).keys()) {
        expect(declaresOption(source!, flag), `${name}: --${flag} in ${source}`).toBe(true);
      }
    }
  });

  it('name npm scripts that exist', () => {
    const used = [...units.values()]
      .flatMap((u) => values(u, 'Service', 'ExecStart'))
      .flatMap((command) => [...command.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!));
    expect(used).toContain('audit:verify');
    for (const script of used) expect(scripts, script).toContain(script);
  });

  it('harden the kiosk agent: own user, read-only system except its data and spool folders', () => {
    const agent = unit('kiosk-agent.service');
    const command = flags(one(agent, 'Service', 'ExecStart'));
    expect(one(agent, 'Service', 'User')).toBe('kiosk');
    expect(one(agent, 'Service', 'ProtectSystem')).toBe('strict');
    expect(one(agent, 'Service', 'NoNewPrivileges')).toBe('yes');
    expect(one(agent, 'Service', 'PrivateTmp')).toBe('yes');
    expect(one(agent, 'Service', 'RestrictAddressFamilies').split(/\s+/).sort()).toEqual([
      'AF_INET',
      'AF_INET6',
      'AF_UNIX',
    ]);
    const writable = one(agent, 'Service', 'ReadWritePaths').split(/\s+/);
    expect(writable).toEqual(expect.arrayContaining([command.get('data'), command.get('output')]));
    // V8's JIT needs writable+executable pages: the option must stay off.
    expect(values(agent, 'Service', 'MemoryDenyWriteExecute')).toEqual([]);
    expect(command.get('reader')).toBe('pcsc');
  });

  it('point the kiosk screen at the agent, after it, restarting always', () => {
    const ui = unit('kiosk-ui.service');
    const agentPort = flags(one(unit('kiosk-agent.service'), 'Service', 'ExecStart')).get('port');
    const command = one(ui, 'Service', 'ExecStart');
    expect(values(ui, 'Unit', 'After').join(' ')).toContain('kiosk-agent.service');
    expect(one(ui, 'Service', 'Restart')).toBe('always');
    for (const flag of [
      '--kiosk',
      '--noerrdialogs',
      '--disable-pinch',
      '--overscroll-history-navigation=0',
      '--autoplay-policy=no-user-gesture-required',
    ]) {
      expect(command.split(/\s+/), flag).toContain(flag);
    }
    expect(command).toContain(`http://127.0.0.1:${agentPort}/`);
    // The start-up wait probes the agent's health route: it must exist.
    expect(one(ui, 'Service', 'ExecStartPre')).toContain(`http://127.0.0.1:${agentPort}/healthz`);
    expect(read('kiosk-agent/src/server/http.ts')).toContain("'/healthz'");
  });

  it('run one gateway per port instance, with the database URL from an environment file', () => {
    const gateway = unit('hq-gateway@.service');
    expect(flags(one(gateway, 'Service', 'ExecStart')).get('port')).toBe('%i');
    expect(one(gateway, 'Service', 'EnvironmentFile')).toBe('/etc/hq/hq.env');
    expect(one(gateway, 'Service', 'ExecStart')).not.toContain('DATABASE_URL');
    expect(read('deploy/hq/hq.env.example')).toMatch(/^DATABASE_URL=postgres:\/\//m);
    expect(read('hq-gateway/src/db/open.ts')).toContain('DATABASE_URL');
  });

  it('define every variable the kiosk agent command uses in the example environment file', () => {
    const agent = unit('kiosk-agent.service');
    const used = [...one(agent, 'Service', 'ExecStart').matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(0);
    const example = read('deploy/kiosk/kiosk.env.example');
    for (const name of used) expect(example, name).toMatch(new RegExp(`^${name}=`, 'm'));
  });
});

describe('load balancer', () => {
  const haproxy = read('deploy/hq/haproxy.cfg');

  it('passes TCP through and checks each gateway on a health route that exists', () => {
    expect(haproxy).toMatch(/^\s*mode tcp$/m);
    const uri = /http-check send meth GET uri (\S+)/.exec(haproxy)?.[1];
    expect(uri).toBe('/v1/health');
    expect(read('hq-gateway/src/api/app.ts')).toContain(`'${uri}'`);
  });

  it('balances over the gateway instances the operations guide starts', () => {
    const ports = [...haproxy.matchAll(/^\s*server \S+ 127\.0\.0\.1:(\d+)/gm)].map((m) => m[1]!);
    expect(ports).toEqual(['4201', '4202']);
    const readme = read('deploy/README.md');
    for (const port of ports) expect(readme).toContain(`hq-gateway@${port}`);
  });
});

describe('operations guide', () => {
  const docs = ['deploy/README.md', 'deploy/hq/postgresql.md', 'deploy/kiosk/printing.md'];

  it('names npm scripts that exist', () => {
    const used = new Set(
      docs.flatMap((file) => [...read(file).matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!)),
    );
    expect([...used]).toEqual(expect.arrayContaining(['terminal', 'enroll', 'audit:verify', 'ops']));
    for (const script of used) expect(scripts, `npm run ${script}`).toContain(script);
  });

  it('names deploy files that exist', () => {
    const readme = read('deploy/README.md');
    const named = [...readme.matchAll(/`((?:kiosk|hq)\/[\w./@-]+)`/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(5);
    for (const file of named) {
      // `hq/systemd/hq-audit-verify.*` names a pair of files.
      const pattern = file.endsWith('.*') ? file.slice(0, -2) : file;
      const dir = path.join(DEPLOY, path.dirname(pattern));
      const present =
        existsSync(path.join(DEPLOY, pattern)) ||
        (existsSync(dir) && readdirSync(dir).some((f) => f.startsWith(path.basename(pattern))));
      expect(present, file).toBe(true);
    }
  });
});
