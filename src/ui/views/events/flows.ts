/**
 * TCP connections as the trace names them ("10.0.0.1:40000>10.0.0.2:5201"): every tcp.* event's
 * text starts with its connection. Pure helpers shared by the event list and the charts.
 */
import type { TraceBuffer } from '../../trace/trace-buffer.ts';

const CONN = /^(\[[0-9a-fA-F:.]+\]|[0-9.]+):\d+>(\[[0-9a-fA-F:.]+\]|[0-9.]+):\d+$/;

/** The connection a tcp.* event text starts with, or null. */
export function connectionOf(text: string | undefined): string | null {
  if (!text) return null;
  const sp = text.indexOf(' ');
  const head = sp < 0 ? text : text.slice(0, sp);
  return CONN.test(head) ? head : null;
}

/**
 * connectionOf by interned text id, cached: a bulk transfer's events repeat a handful of texts,
 * so incremental scanners pay the parse once per distinct text, not once per event. One cache
 * per trace run (ids are reused after a reset).
 */
export class ConnectionNames {
  private readonly cache = new Map<number, string | null>();
  constructor(private readonly trace: Pick<TraceBuffer, 'textIdAt' | 'textAt'>) {}

  at(i: number): string | null {
    const id = this.trace.textIdAt(i);
    if (id < 0) return null;
    let name = this.cache.get(id);
    if (name === undefined) {
      name = connectionOf(this.trace.textAt(i));
      this.cache.set(id, name);
    }
    return name;
  }
}

/** "a>b" → "b>a" (the same connection seen from the other end, when no NAT is in between). */
export function reverseConnection(conn: string): string {
  const gt = conn.indexOf('>');
  return gt < 0 ? conn : `${conn.slice(gt + 1)}>${conn.slice(0, gt)}`;
}

/** Splits "addr:port" (IPv6 in brackets) into address and port. */
export function splitEndpoint(ep: string): { addr: string; port: number } {
  const colon = ep.lastIndexOf(':');
  return { addr: ep.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(ep.slice(colon + 1)) };
}

export function endpoints(conn: string): { local: string; remote: string } {
  const gt = conn.indexOf('>');
  return { local: conn.slice(0, gt), remote: conn.slice(gt + 1) };
}

export interface ConnectionInfo {
  readonly name: string;
  /** Node the connection lives on (first event seen). */
  readonly node: number;
  /** First and last event time (ns). */
  firstNs: number;
  lastNs: number;
  /** Payload bytes the connection sent (sum of tcp.tx lengths). */
  txBytes: number;
  events: number;
}

/**
 * Incrementally lists the TCP connections seen in a trace (scans only the events appended since
 * the previous call). Kind ids are resolved per trace, so a run with other kinds still works.
 */
export class ConnectionList {
  private scanned = 0;
  private readonly byName = new Map<string, ConnectionInfo>();
  private readonly tcpKinds: Uint8Array;
  private readonly txKind: number;
  private readonly names: ConnectionNames;

  constructor(private readonly trace: TraceBuffer) {
    this.names = new ConnectionNames(trace);
    this.tcpKinds = new Uint8Array(trace.kinds.length);
    trace.kinds.forEach((k, id) => {
      if (k.name.startsWith('tcp.')) this.tcpKinds[id] = 1;
    });
    this.txKind = trace.kindId('tcp.tx');
  }

  update(): readonly ConnectionInfo[] {
    const t = this.trace;
    if (t.length < this.scanned) this.scanned = 0;
    for (let i = this.scanned; i < t.length; i++) {
      const k = t.kindAt(i);
      if (this.tcpKinds[k] !== 1) continue;
      const name = this.names.at(i);
      if (!name) continue;
      let info = this.byName.get(name);
      if (!info) {
        info = { name, node: t.nodeAt(i), firstNs: t.timeAt(i), lastNs: t.timeAt(i), txBytes: 0, events: 0 };
        this.byName.set(name, info);
      }
      info.lastNs = t.timeAt(i);
      info.events++;
      if (k === this.txKind) info.txBytes += t.bAt(i);
    }
    this.scanned = t.length;
    return this.list();
  }

  list(): readonly ConnectionInfo[] {
    return [...this.byName.values()].sort((a, b) => a.firstNs - b.firstNs || a.name.localeCompare(b.name));
  }

  /** The connection that sent the most payload (the natural default for charts). */
  busiest(): ConnectionInfo | null {
    let best: ConnectionInfo | null = null;
    for (const c of this.byName.values()) if (!best || c.txBytes > best.txBytes) best = c;
    return best;
  }
}

/**
 * The far end of `conn` among `names`: its exact reverse when present, else (through a NAT,
 * which rewrites the near address) a connection whose local endpoint is conn's remote one and
 * whose remote port is conn's local port (NATs keep the port when they can). Null otherwise.
 */
export function peerConnection(conn: string, names: Iterable<string>): string | null {
  const rev = reverseConnection(conn);
  const { local, remote } = endpoints(conn);
  const localPort = splitEndpoint(local).port;
  let samePort: string | null = null;
  for (const n of names) {
    if (n === rev) return n;
    if (n === conn) continue;
    const e = endpoints(n);
    if (e.local === remote && splitEndpoint(e.remote).port === localPort) samePort ??= n;
  }
  return samePort;
}
