#!/usr/bin/env node
/**
 * Makes sure the system tools that `npm test` needs are present, and says which ones it found:
 *   - Chromium for the Playwright e2e tests (Debian's /usr/bin/chromium, or $STACKSCOPE_CHROMIUM);
 *   - tshark, the capture oracle (docs/TESTING.md, /work/shared/ORACLES.md);
 *   - as root: iputils-ping, traceroute, iproute2, iperf3, netcat-openbsd, net-tools (arp), tcpdump,
 *     bind9-dnsutils (dig, host, nslookup) and bind9-utils (named-compilezone)
 *     for the real-tools output-format oracles (they run the real tools in network namespaces).
 * When something is missing and we are root, installs the missing Debian packages with apt-get
 * (output streamed). Otherwise prints the one command to run and exits 1.
 * Idempotent: when everything is present it only runs two `--version` calls.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';

const customChromium = process.env.STACKSCOPE_CHROMIUM;
const chromiumPath = customChromium || '/usr/bin/chromium';

/** @param {string} file */
function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** @param {string} name */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * First line of `file --version` on stdout (stderr ignored: Debian's chromium wrapper is chatty).
 * @param {string} file
 * @returns {string | undefined}
 */
function versionLine(file) {
  const result = spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] });
  if (result.status !== 0) return undefined;
  return result.stdout.split('\n').find((line) => line.trim() !== '')?.trim();
}

/** "Chromium 156.0.8078.79 built on Debian ..." -> "Chromium 156.0.8078.79" */
function chromiumVersion() {
  const line = versionLine(chromiumPath);
  return line?.match(/^.*?\d+(?:\.\d+)+/)?.[0] ?? line ?? 'version unknown';
}

/**
 * "TShark (Wireshark) 4.0.17 (Git v4.0.17 ...)." -> "TShark (Wireshark) 4.0.17"
 * @param {string} file
 */
function tsharkVersion(file) {
  const line = versionLine(file);
  return line?.match(/^TShark \(Wireshark\) \d+(?:\.\d+)*/)?.[0] ?? line ?? 'version unknown';
}

function findMissing() {
  /** @type {string[]} */
  const missing = [];
  if (!isExecutable(chromiumPath)) missing.push('chromium');
  if (!onPath('tshark')) missing.push('tshark');
  // The real-tools oracle (test/oracle/real-tools.test.ts) runs the real ping and traceroute in
  // network namespaces, which needs root; as root we install them so that oracle never skips.
  if (process.getuid?.() === 0) {
    for (const [bin, pkg] of [['ping', 'iputils-ping'], ['traceroute', 'traceroute'], ['ip', 'iproute2'], ['ss', 'iproute2'], ['iperf3', 'iperf3'], ['nc', 'netcat-openbsd'], ['arp', 'net-tools'], ['tcpdump', 'tcpdump'], ['dig', 'bind9-dnsutils'], ['named-compilezone', 'bind9-utils']]) {
      if (!onPath(bin) && !isExecutable(`/usr/sbin/${bin}`) && !isExecutable(`/usr/bin/${bin}`) && !missing.includes(pkg)) missing.push(pkg);
    }
  }
  return missing;
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ input?: string }} [options]
 */
function run(command, args, options = {}) {
  console.log(`ensure-test-deps: $ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'inherit', 'inherit'],
    input: options.input,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} exited with ${result.status ?? result.signal}`);
}

function install(/** @type {string[]} */ packages) {
  if (packages.includes('tshark') && onPath('debconf-set-selections')) {
    // Never stop at wireshark-common's "Should non-superusers be able to capture packets?" prompt.
    run('debconf-set-selections', [], { input: 'wireshark-common wireshark-common/install-setuid boolean false\n' });
  }
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', ...packages]);
}

let missing = findMissing();

if (missing.includes('chromium') && customChromium) {
  console.error(`ensure-test-deps: STACKSCOPE_CHROMIUM=${customChromium} is not an executable file. Fix the path or unset it to use Debian's /usr/bin/chromium.`);
  process.exit(1);
}

if (missing.length > 0) {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get')) {
    console.error(`ensure-test-deps: missing ${missing.join(', ')}; install with: sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  console.log(`ensure-test-deps: missing ${missing.join(', ')}; installing with apt-get`);
  try {
    install(missing);
  } catch (error) {
    console.error(`ensure-test-deps: installing ${missing.join(' ')} failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  missing = findMissing();
  if (missing.length > 0) {
    console.error(`ensure-test-deps: still missing after apt-get: ${missing.join(', ')}`);
    process.exit(1);
  }
}

const tshark = /** @type {string} */ (onPath('tshark'));
console.log(`chromium: ${chromiumPath} (${chromiumVersion()})`);
console.log(`tshark: ${tsharkVersion(tshark)}`);
