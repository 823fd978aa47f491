/**
 * `stackscope bench [name]`: speed benchmarks that print figures (never pass/fail).
 *  - events: a busy 60 s run (flood-interval ping across a switched LAN): events and frames per wall second.
 *  - seek:   random seeks into the same 60 s run through the Timeline: per-seek wall time.
 *  - tcp-bulk: one CUBIC flow at 100 Mbit/s for 10 s: delivered packets and events per wall second
 *              (twice in one process: cold JIT, then warm).
 */
import { performance } from 'node:perf_hooks';
import { KIND_ID, Session, Timeline, builtinScenario } from '../engine/index.ts';
import { CliError } from './load.ts';
import { BROWSER_BENCHES, runBrowserBench } from './bench-browser.ts';

type Out = (line: string) => void;

/** The busy 60 s LAN shared by the events, seek and browser seek benchmarks. */
export function busyLanScenario(): object {
  return {
    ...builtinScenario('lan')!,
    name: 'busy-lan',
    stopTime: '60s',
    actions: [
      { at: '1s', host: 'alice', command: 'ping -q -i 0.005 -c 11800 192.168.10.12' },
      { at: '1s', host: 'bob', command: 'ping -q -i 0.01 -c 5900 192.168.10.13' },
      { at: '1s', host: 'carol', command: 'ping -q -i 0.02 -s 1400 -c 2950 192.168.10.11' },
    ],
  };
}

function busyLan(): Session {
  return new Session(busyLanScenario(), {});
}

function benchEvents(out: Out): Session {
  const t0 = performance.now();
  const s = busyLan();
  s.runUntil();
  const wall = (performance.now() - t0) / 1000;
  const w = s.world;
  out(`events: 60 s simulated busy LAN (3 ping floods through a switch)`);
  out(`  ${w.sched.eventsRun.toLocaleString('en-US')} events, ${w.trace.packets.count.toLocaleString('en-US')} frames, ${w.trace.events.length.toLocaleString('en-US')} trace records in ${wall.toFixed(3)} s wall`);
  out(`  ${Math.round(w.sched.eventsRun / wall).toLocaleString('en-US')} events/s, ${Math.round(w.trace.packets.count / wall).toLocaleString('en-US')} frames/s, ${(60 / wall).toFixed(1)}x real time`);
  out(`  heap used ${(process.memoryUsage().heapUsed / 1048576).toFixed(1)} MiB`);
  return s;
}

function benchSeek(out: Out, session?: Session): void {
  const s = session ?? busyLan();
  if (!session) s.runUntil();
  const tl = new Timeline(s.world);
  const t0 = performance.now();
  tl.sync();
  const build = performance.now() - t0;
  // Deterministic pseudo-random seek targets (LCG), including both ends of the run.
  const times: number[] = [0, 60e9];
  let x = 12345;
  for (let i = 0; i < 500; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    times.push(Math.floor((x / 2 ** 32) * 60e9));
  }
  const ms: number[] = [];
  let inflight = 0;
  for (const t of times) {
    const a = performance.now();
    const st = tl.stateAt(t);
    ms.push(performance.now() - a);
    inflight += st.inFlight.size;
  }
  ms.sort((a, b) => a - b);
  const p = (q: number): string => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(3);
  out(`seek: ${times.length} seeks into a 60 s run (${s.world.trace.events.length.toLocaleString('en-US')} trace events, checkpoint every ${tl.interval} events, ${tl.checkpointCount} checkpoints built in ${build.toFixed(1)} ms)`);
  out(`  per seek: median ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${ms[ms.length - 1]!.toFixed(3)} ms (budget 100 ms)`);
  void inflight;
}

/**
 * tcp-bulk: one CUBIC flow, 100 Mbit/s, 10 ms one way, MSS 1448, drop-tail 100 packets, 10 s
 * simulated (the built-in tcp-bulk scenario driven by iperf3).
 */
interface BulkRun {
  session: Session;
  delivered: number;
  dataDelivered: number;
  wall: number;
}

function runTcpBulk(): BulkRun {
  const base = builtinScenario('tcp-bulk')!;
  const s = new Session({ ...base, stopTime: '11.5s', actions: [{ at: '1s', host: 'sender', command: 'iperf3 -c 10.10.2.20 -t 10' }] });
  const receiver = s.world.node('receiver')!;
  const run: BulkRun = { session: s, delivered: 0, dataDelivered: 0, wall: 0 };
  const rxEnd = KIND_ID['phy.rxEnd'];
  const tcpRx = KIND_ID['tcp.rx'];
  const ev = s.world.trace.events;
  s.world.trace.listen((i) => {
    const k = ev.kindIdAt(i);
    if (k === rxEnd) run.delivered++;
    else if (k === tcpRx && ev.nodeAt(i) === receiver.id && ev.bAt(i) > 0) run.dataDelivered++;
  });
  const t0 = performance.now();
  s.runUntil();
  run.wall = (performance.now() - t0) / 1000;
  return run;
}

/**
 * The same run twice in one process: the first pays for JIT compilation (what a one-off CLI run
 * sees), the second is the steady state (what a page running many scenarios sees). Both print.
 */
function benchTcpBulk(out: Out): void {
  out(`tcp-bulk: 1 CUBIC flow, 100 Mbit/s, 10 ms one way, MSS 1448, drop-tail 100 packets, 10 s simulated`);
  for (const label of ['first run (cold JIT)', 'second run (warm)']) {
    const r = runTcpBulk();
    const s = r.session;
    const iperf = s.actions[0]?.output ?? [];
    const receiverLine = iperf.find((l) => l.endsWith('receiver')) ?? '(no iperf3 summary)';
    out(`  ${label}: iperf3 ${receiverLine.replace(/\s+/g, ' ').trim()}`);
    out(`    ${r.delivered.toLocaleString('en-US')} packets delivered over links (${r.dataDelivered.toLocaleString('en-US')} data segments to the receiver) in ${r.wall.toFixed(3)} s wall`);
    out(`    ${Math.round(r.delivered / r.wall).toLocaleString('en-US')} delivered packets/s, ${Math.round(s.world.sched.eventsRun / r.wall).toLocaleString('en-US')} events/s, ${(10 / r.wall).toFixed(2)}x real time`);
    out(`    trace ${s.world.trace.events.length.toLocaleString('en-US')} events, packet store ${(s.world.trace.packets.byteSize / 1048576).toFixed(1)} MiB`);
  }
  out(`  peak memory (max RSS over both runs) ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  out(`  target: ≥ 350,000 delivered packets/s (ns-3 3.37: ~35,000)`);
}

export async function runBench(args: string[], out: Out): Promise<number> {
  const name = args[0];
  const known = ['events', 'seek', 'tcp-bulk', ...BROWSER_BENCHES];
  if (name !== undefined && !known.includes(name)) throw new CliError(`unknown benchmark "${name}" (available: ${known.join(', ')})`, 2);
  out(`stackscope bench — node ${process.version}, ${process.arch}`);
  if (name !== undefined && BROWSER_BENCHES.includes(name)) return runBrowserBench(name, out);
  let s: Session | undefined;
  if (name === undefined || name === 'events') s = benchEvents(out);
  if (name === undefined || name === 'seek') benchSeek(out, s);
  if (name === undefined || name === 'tcp-bulk') benchTcpBulk(out);
  return 0;
}
