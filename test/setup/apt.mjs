// Debian packages for the test setups (system-deps.mjs, ipp.mjs, pcsc.mjs, postgres.mjs): one `apt-get update` + one
// `apt-get install`, as root or through `sudo -n` (never a password prompt), non-interactive, waiting up to
// 5 minutes for another apt/dpkg to release its lock.
import { execFileSync } from 'node:child_process';

const APT = ['apt-get', '-o', 'DPkg::Lock::Timeout=300'];

/** `args` prefixed with `sudo -n` unless this process is root: [command, ...arguments]. */
export function asRoot(args) {
  return process.getuid?.() === 0 ? [...args] : ['sudo', '-n', ...args];
}

/**
 * Installs `packages` (without recommends).
 * - `label` set (a script's own install): prints "<label>: installing … with apt-get" and apt-get's output; on
 *   failure prints why and the command to run as root (for `hint`, default `packages`), then exits 1.
 * - `label` unset (a module's install): throws execFileSync's error on failure. `quiet` hides apt-get's output.
 */
export function aptInstall(packages, { label, quiet = false, hint = packages } = {}) {
  const run = (args) => {
    const [cmd, ...rest] = asRoot([...APT, ...args]);
    execFileSync(cmd, rest, {
      stdio: quiet ? 'ignore' : 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  };
  const install = () => {
    run(['update', '-q']);
    run(['install', '-y', '-q', '--no-install-recommends', ...packages]);
  };
  if (label === undefined) return install();
  console.log(`${label}: installing ${packages.join(' ')} with apt-get`);
  try {
    install();
  } catch (error) {
    console.error(`${label}: could not install ${packages.join(' ')} (${error.message}).`);
    console.error(`Install them as root: apt-get install -y --no-install-recommends ${hint.join(' ')}`);
    process.exit(1);
  }
}
