/**
 * The browser player observes a command through the worker protocol (output lines, its exit,
 * the trace batches in a TraceBuffer, packetClass for the selected packet) instead of a Session.
 * Driven here in Node exactly as the worker runs: the same checks pass on what it observes.
 */
import { describe, expect, test } from 'vitest';
import { EngineHost } from '../../src/worker/engine-host.ts';
import { TraceBuffer } from '../../src/ui/trace/trace-buffer.ts';
import { evaluateCheck, packetMatches } from '../../src/lessons/index.ts';
import type { ObservedEvent } from '../../src/lessons/index.ts';

function observe(h: EngineHost, buf: TraceBuffer, host: string, line: string) {
  const start = h.exec(host, line);
  if (!start.ok) throw new Error(start.error);
  const from = buf.length;
  const out: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const r = h.advance(Infinity, 50_000);
    buf.append(r.batch);
    out.push(...r.output.filter((o) => o.cmd === start.cmd).map((o) => o.line));
    const exit = r.exits.find((e) => e.cmd === start.cmd);
    if (exit) {
      const to = buf.upperBound(exit.t);
      const events: ObservedEvent[] = [];
      for (let j = from; j < to; j++) events.push({ kind: buf.kindName(j), node: h.nodeState(buf.nodeAt(j), exit.t).name, text: buf.textAt(j) });
      return { output: out.join('\n'), events };
    }
  }
  throw new Error('the command did not exit');
}

describe('what the player observes', () => {
  test('a ping typed in the terminal passes the same output and trace checks as headless', () => {
    const h = new EngineHost();
    const r = h.load('routed', 1);
    if (!r.ok) throw new Error(r.error);
    const buf = new TraceBuffer(r.kinds, r.protoClasses);
    buf.append(h.advance(2e9, 1e7).batch);
    const obs = observe(h, buf, 'laptop', 'ping -c 1 203.0.113.10');
    const check = { output: { matches: '1 packets transmitted, 1 received' }, trace: [{ kind: 'icmp.tx', node: 'server' }, { kind: 'ip.forward', count: { atLeast: 5 } }] };
    expect(evaluateCheck(check, obs)).toEqual({ ok: true, failures: [] });
    // Before the command, nothing matches.
    expect(evaluateCheck(check, { output: '', events: [] }).ok).toBe(false);
  });

  test('packetClass describes a packet as lesson packet matches see it', () => {
    const h = new EngineHost();
    const r = h.load('routed', 1);
    if (!r.ok) throw new Error(r.error);
    const buf = new TraceBuffer(r.kinds, r.protoClasses);
    buf.append(h.advance(2e9, 1e7).batch);
    observe(h, buf, 'laptop', 'ping -c 1 203.0.113.10');
    const classes = Array.from({ length: buf.packetCount }, (_, uid) => h.packetClass(uid));
    const echo = classes.find((c) => packetMatches({ protocol: 'icmp', icmpType: 8 }, c));
    expect(echo).toMatchObject({ stack: ['ipv4', 'icmp'], icmpType: 8 });
    expect(classes.some((c) => packetMatches({ protocol: 'arp' }, c))).toBe(true);
    expect(() => h.packetClass(buf.packetCount + 5)).toThrow(/no packet/);
  });
});
