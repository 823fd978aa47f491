/**
 * `stackscope` — the headless CLI: list scenarios, run them with captures, run terminal
 * commands exactly as the browser terminal prints them, and run benchmarks.
 */
import { writeFileSync } from 'node:fs';
import { BUILTIN_SCENARIOS, BudgetExceeded, Capture, ScenarioError, Session, captureInterfaces, parseDuration, traceToJsonLines } from '../engine/index.ts';
import { parseCli } from './args.ts';
import { CliError, loadScenarioInput } from './load.ts';
import { runBench } from './bench.ts';
import { lessonsCommand } from './lessons/command.ts';

const USAGE = [
  'usage: stackscope <command> [options]',
  '',
  'commands:',
  '  scenarios                                   list built-in scenarios',
  '  run <name|file.json> [--seed N] [--until T] [--pcap F] [--pcapng F] [--trace F]',
  '                                              run a scenario (with its scripted commands)',
  '  exec <name|file.json> [--host H] [--seed N] [--at T] [--for T] [--actions] [--stdin TEXT] [--pcap F] [--pcapng F] -- <command line>',
  '                                              run one terminal command on a host (--actions: with the',
  '                                              scenario\'s scripted traffic; --for: Ctrl-C after T)',
  '  bench [name]                                run speed benchmarks and print figures',
  '  lessons check [dir]                         validate every lesson in lessons/ (or dir)',
  '  lessons run <id> [--dir D]                  run a lesson headless: each step\'s reference solution and check',
];

const RUN_USAGE = 'stackscope run <name|file.json> [--seed N] [--until 10s] [--pcap F] [--pcapng F] [--trace F]';
const EXEC_USAGE = 'stackscope exec <name|file.json> [--host H] [--seed N] [--at 2s] [--for 10s] [--actions] [--stdin TEXT] [--pcap F] [--pcapng F] -- <command line>';

function out(line: string): void {
  process.stdout.write(line + '\n');
}

function parseSeed(v: string | true | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^[0-9]+$/.test(v) || Number(v) > 0xffffffff) throw new CliError(`--seed must be an integer from 0 to 4294967295, not "${String(v)}"`, 2);
  return Number(v);
}

function parseTime(name: string, v: string | true | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ns = typeof v === 'string' ? parseDuration(v) : undefined;
  if (ns === undefined) throw new CliError(`--${name} must be a duration such as 10s or 500ms, not "${String(v)}"`, 2);
  return ns;
}

function makeSession(ref: string, seed: number | undefined, extra: { skipActions?: boolean; onActionOutput?: (h: string, l: string) => void } = {}): Session {
  const input = loadScenarioInput(ref);
  try {
    return new Session(input, { ...(seed !== undefined ? { seed } : {}), ...extra });
  } catch (e) {
    if (e instanceof ScenarioError) throw new CliError(`invalid scenario ${ref}: ${e.message}`, 2);
    throw e;
  }
}

function writeCaptures(session: Session, cap: Capture | undefined, opts: Map<string, string | true>): void {
  cap?.stop();
  const pcap = opts.get('pcap');
  const pcapng = opts.get('pcapng');
  const trace = opts.get('trace');
  if (cap && typeof pcap === 'string') writeFileSync(pcap, cap.pcap.toBytes());
  if (cap && typeof pcapng === 'string') writeFileSync(pcapng, cap.pcapng.toBytes());
  if (typeof trace === 'string') writeFileSync(trace, traceToJsonLines(session.world));
}

function startCapture(session: Session, opts: Map<string, string | true>): Capture | undefined {
  if (!opts.has('pcap') && !opts.has('pcapng')) return undefined;
  return new Capture(session.world, captureInterfaces(session.world, session.scenario.capture));
}

function cmdScenarios(): number {
  const width = Math.max(...BUILTIN_SCENARIOS.map((s) => s.name.length));
  for (const s of BUILTIN_SCENARIOS) out(`${s.name.padEnd(width)}  ${s.description ?? ''}`);
  return 0;
}

function cmdRun(args: string[]): number {
  const p = parseCli(args, ['seed', 'until', 'pcap', 'pcapng', 'trace'], [], RUN_USAGE);
  const ref = p.positional[0];
  if (!ref || p.positional.length > 1) throw new CliError(`usage: ${RUN_USAGE}`, 2);
  const lastHost: { name?: string } = {};
  const session = makeSession(ref, parseSeed(p.options.get('seed')), {
    onActionOutput: (h, l) => {
      if (lastHost.name !== h) out(`[${h}]`);
      lastHost.name = h;
      out(l);
    },
  });
  const until = parseTime('until', p.options.get('until')) ?? session.stopTimeNs;
  const cap = startCapture(session, p.options);
  for (const a of session.actions) void a;
  session.runUntil(until);
  writeCaptures(session, cap, p.options);
  const w = session.world;
  out(`-- ${session.scenario.name}: ${(until / 1e9).toFixed(3)} s simulated, ${w.sched.eventsRun} events, ${w.trace.packets.count} frames${cap ? `, ${cap.frames} captured` : ''}, seed ${w.seed}`);
  return 0;
}

function cmdExec(args: string[]): number {
  const p = parseCli(args, ['host', 'seed', 'at', 'for', 'stdin', 'pcap', 'pcapng', 'trace'], ['actions'], EXEC_USAGE);
  const ref = p.positional[0];
  if (!ref || p.positional.length > 1 || p.rest.length === 0) throw new CliError(`usage: ${EXEC_USAGE}`, 2);
  // The scenario's scripted commands run too with --actions (their output is not shown), so a
  // capture such as `tcpdump` has traffic to see.
  const session = makeSession(ref, parseSeed(p.options.get('seed')), { skipActions: !p.options.has('actions') });
  const forNs = parseTime('for', p.options.get('for')) ?? 3600e9;
  const hostOpt = p.options.get('host');
  const hostName = typeof hostOpt === 'string' ? hostOpt : session.scenario.defaultHost ?? session.world.nodes.find((n) => n.kind === 'host')?.name;
  if (!hostName) throw new CliError('the scenario has no host to run a command on', 2);
  try {
    session.host(hostName);
  } catch (e) {
    throw new CliError((e as Error).message, 2);
  }
  const cap = startCapture(session, p.options);
  // The terminal opens once the network has settled (IPv6 router discovery takes up to ~1.5 s).
  session.runUntil(parseTime('at', p.options.get('at')) ?? 2e9);
  const line = p.rest.map((w) => (/[\s"'\\]/.test(w) || w === '' ? `'${w.replace(/'/g, `'\\''`)}'` : w)).join(' ');
  const stdin = p.options.get('stdin');
  const status = session.exec(hostName, line, out, forNs, typeof stdin === 'string' ? stdin.replace(/\\n/g, '\n') : '');
  writeCaptures(session, cap, p.options);
  return status;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  try {
    switch (cmd) {
      case 'scenarios':
        return cmdScenarios();
      case 'run':
        return cmdRun(args);
      case 'exec':
        return cmdExec(args);
      case 'bench':
        return await runBench(args, out);
      case 'lessons':
        return lessonsCommand(args, out, (l) => process.stderr.write(l + '\n'));
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        for (const l of USAGE) out(l);
        return cmd === undefined ? 2 : 0;
      default:
        throw new CliError(`unknown command "${cmd}"\n${USAGE[0]}`, 2);
    }
  } catch (e) {
    if (e instanceof CliError || e instanceof BudgetExceeded) {
      process.stderr.write(`stackscope: ${e.message}\n`);
      return e instanceof CliError ? e.status : 1;
    }
    throw e;
  }
}
