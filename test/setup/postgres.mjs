#!/usr/bin/env node
// Brings up the local PostgreSQL the database tests run on (Debian's `postgresql`, version 15 on Debian 12):
// installs it when missing, creates/starts the cluster, and makes the test-only role kiosk_test (password
// kiosk_test, CREATEDB) that test/support/postgres.ts logs in as to create one database per test file.
// The role and its password exist for tests on a developer or CI machine only — never use them in production.
// Idempotent and quick when everything is in place (one connection attempt).
//
// Usable as a script (`node test/setup/postgres.mjs`, exit code 0 and one summary line) and as a module
// (`setupPostgres()`), e.g. from test/setup/system-deps.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { aptInstall, asRoot } from './apt.mjs';

export const APT_PACKAGES = ['postgresql'];
export const TEST_ROLE = 'kiosk_test';
/** Keep in step with test/support/postgres.ts (KIOSK_TEST_POSTGRES_URL overrides both). */
export const TEST_URL =
  process.env.KIOSK_TEST_POSTGRES_URL ?? `postgres://${TEST_ROLE}:${TEST_ROLE}@127.0.0.1:5432/postgres`;

/** Installed server versions, newest first (e.g. ['15']). */
function serverVersions() {
  const dir = '/usr/lib/postgresql';
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((v) => existsSync(`${dir}/${v}/bin/postgres`))
    .sort((a, b) => Number(b) - Number(a));
}

/** `pg_lsclusters` rows: { version, name, port, online }. */
function clusters() {
  const result = spawnSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' });
  if (result.status !== 0) return [];
  return result.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 4)
    .map(([version, name, port, status]) => ({
      version,
      name,
      port: Number(port),
      online: status === 'online',
    }));
}

function run(args) {
  const [cmd, ...rest] = asRoot(args);
  execFileSync(cmd, rest, { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** psql as the postgres superuser over the local socket (peer authentication). */
function psqlAsPostgres(port, sql) {
  const psql = ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-p', String(port), '-d', 'postgres', '-c', sql];
  const args =
    process.getuid?.() === 0
      ? ['runuser', '-u', 'postgres', '--', ...psql]
      : ['sudo', '-n', '-u', 'postgres', ...psql];
  execFileSync(args[0], args.slice(1), { stdio: ['ignore', 'ignore', 'inherit'], cwd: '/' });
}

/** Can the test role log in with its password over TCP? */
function testRoleWorks(url = TEST_URL) {
  const result = spawnSync('psql', ['-X', '-q', '-t', '-c', 'SELECT 1', url], {
    encoding: 'utf8',
    env: { ...process.env, PGCONNECT_TIMEOUT: '3' },
  });
  return result.status === 0 && result.stdout.trim() === '1';
}

async function waitUntilReady(port) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ready = spawnSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', String(port)]);
    if (ready.status === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`PostgreSQL on port ${port} did not accept connections within 30 s`);
}

/** Returns one summary line; throws with the reason when PostgreSQL cannot be brought up. */
export async function setupPostgres() {
  if (existsSync('/usr/bin/psql') && testRoleWorks()) return `postgres: ready (${redacted(TEST_URL)})`;

  const done = [];
  if (serverVersions().length === 0 || !existsSync('/usr/bin/pg_ctlcluster')) {
    aptInstall(APT_PACKAGES, { label: 'postgres' });
    done.push('installed postgresql');
  }
  const version = serverVersions()[0];
  if (version === undefined) throw new Error('no PostgreSQL server under /usr/lib/postgresql after apt-get');

  let cluster = clusters().find((c) => c.version === version && c.name === 'main');
  if (cluster === undefined) {
    run(['pg_createcluster', version, 'main']);
    done.push(`created cluster ${version}/main`);
    cluster = clusters().find((c) => c.version === version && c.name === 'main');
    if (cluster === undefined) throw new Error(`pg_createcluster ${version} main made no cluster`);
  }
  if (!cluster.online) {
    run(['pg_ctlcluster', version, 'main', 'start']);
    done.push(`started ${version}/main`);
  }
  await waitUntilReady(cluster.port);

  // Idempotent: creates the role, or resets its password and rights if someone changed them.
  psqlAsPostgres(
    cluster.port,
    `DO $$ BEGIN
       IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${TEST_ROLE}') THEN
         CREATE ROLE ${TEST_ROLE} LOGIN CREATEDB PASSWORD '${TEST_ROLE}';
       ELSE
         ALTER ROLE ${TEST_ROLE} LOGIN CREATEDB PASSWORD '${TEST_ROLE}';
       END IF;
     END $$`,
  );
  done.push(`role ${TEST_ROLE}`);
  if (!testRoleWorks()) {
    throw new Error(
      `${TEST_ROLE} cannot log in at ${redacted(TEST_URL)} (cluster ${version}/main listens on ${cluster.port}; ` +
        'set KIOSK_TEST_POSTGRES_URL if it is not 5432, and check pg_hba.conf allows scram-sha-256 on 127.0.0.1)',
    );
  }
  return `postgres: ${done.join(', ')}; ${redacted(TEST_URL)}`;
}

function redacted(url) {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    console.log(await setupPostgres());
  } catch (error) {
    console.error(`postgres: ${error instanceof Error ? error.message : String(error)}`);
    console.error(
      `As root: apt-get install -y postgresql && pg_ctlcluster 15 main start && ` +
        `runuser -u postgres -- psql -c "CREATE ROLE ${TEST_ROLE} LOGIN CREATEDB PASSWORD '${TEST_ROLE}'"`,
    );
    process.exit(1);
  }
}
