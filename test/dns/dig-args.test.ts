/**
 * dig's command line and the parts of its output that do not need a server: the WHEN date
 * (strftime "%a %b %d %H:%M:%S %Z %Y", values checked with GNU date -u), argument order rules
 * (bin/dig/dig.c parse_args) and error exits. The full output is judged by real-dig.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { formatWhen } from '../../src/engine/apps/dig-format.ts';
import { parseDigArgs } from '../../src/engine/apps/dig-args.ts';
import { RR_CLASS, RR_TYPE } from '../../src/engine/wire/dns/types.ts';
import { Session, builtinScenario } from '../../src/engine/index.ts';

describe('dig WHEN date', () => {
  it.each([
    [0, 'Thu Jan 01 00:00:00 UTC 1970'],
    [1709209445, 'Thu Feb 29 12:24:05 UTC 2024'],
    [951782400, 'Tue Feb 29 00:00:00 UTC 2000'],
    [4102444799, 'Thu Dec 31 23:59:59 UTC 2099'],
  ])('%i s → %s', (secs, text) => expect(formatWhen(secs)).toBe(text));
});

describe('dig argument parsing', () => {
  const one = (args: string[]): { name: string; type: number; cls: number; server?: string } => {
    const p = parseDigArgs(args);
    if (p.ok !== true) throw new Error('parse failed');
    const l = p.value.lookups[0]!;
    return { name: l.name, type: l.type, cls: l.cls, ...(p.value.server !== undefined ? { server: p.value.server } : {}) };
  };

  it('name, type and class in any order; a known type mnemonic is never a name', () => {
    expect(one(['example.com', 'MX'])).toEqual({ name: 'example.com', type: RR_TYPE.MX, cls: RR_CLASS.IN });
    expect(one(['mx', 'example.com.'])).toEqual({ name: 'example.com', type: RR_TYPE.MX, cls: RR_CLASS.IN });
    expect(one(['-t', 'txt', '@192.0.2.1', 'example.com', 'CH'])).toEqual({ name: 'example.com', type: RR_TYPE.TXT, cls: RR_CLASS.CH, server: '192.0.2.1' });
    expect(one([])).toEqual({ name: '.', type: RR_TYPE.NS, cls: RR_CLASS.IN });
    expect(one(['ns'])).toEqual({ name: '.', type: RR_TYPE.NS, cls: RR_CLASS.IN });
  });

  it('-x builds the reverse name (IPv4 in-addr.arpa, IPv6 nibbles in ip6.arpa)', () => {
    expect(one(['-x', '192.0.2.1'])).toMatchObject({ name: '1.2.0.192.in-addr.arpa', type: RR_TYPE.PTR });
    expect(one(['-x', '2001:db8::1']).name).toBe('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
  });

  it('+options may be abbreviated to a unique prefix; options after a name are local to it', () => {
    const p = parseDigArgs(['+norec', 'a.example', '+sho', 'b.example', '+tcp']);
    if (p.ok !== true) throw new Error('parse failed');
    const [a, b] = p.value.lookups;
    expect(a!.opts).toMatchObject({ recurse: false, short: true });
    expect(b!.opts).toMatchObject({ recurse: false, short: false, tcp: true });
  });

  it('bad input: dig’s messages and exit codes', () => {
    expect(parseDigArgs(['+frobnicate'])).toEqual({ ok: false, lines: ['Invalid option: +frobnicate'], status: 1, usage: true });
    expect(parseDigArgs(['+bufsize=abc'])).toEqual({ ok: false, lines: ["invalid buffer size 'abc': not a valid number", "dig: Couldn't parse buffer size"], status: 10, usage: false });
    expect(parseDigArgs(['+multiline']).ok).toBe(false);
  });
});

describe('dig as a command in the mini internet', () => {
  const s = new Session(builtinScenario('dns')!, { skipActions: true });
  const run = (line: string): { lines: string[]; status: number } => {
    const lines: string[] = [];
    const status = s.exec('laptop', line, (l) => lines.push(l), 60e9);
    return { lines, status };
  };

  it('usage errors exit 1 with the usage text; an unknown server name exits 1', () => {
    const bad = run('dig +foo example.com');
    expect(bad.status).toBe(1);
    expect(bad.lines[0]).toBe('Invalid option: +foo');
    expect(bad.lines[1]).toMatch(/^Usage: {2}dig \[@global-server\]/);
    expect(run('dig @nosuch.invalid example.com')).toEqual({ lines: ["dig: couldn't get address for 'nosuch.invalid': not found"], status: 1 });
  });

  it('a full answer: header, flags with ra, the chain, stats with the simulated date', () => {
    const r = run('dig www.example.com');
    expect(r.status).toBe(0);
    expect(r.lines).toContain(';; flags: qr rd ra; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1');
    expect(r.lines).toContain(';; SERVER: 203.0.113.53#53(203.0.113.53) (UDP)');
    expect(r.lines.find((l) => l.startsWith(';; WHEN:'))).toMatch(/^;; WHEN: Thu Jan 01 00:00:\d\d UTC 1970$/);
  });
});
