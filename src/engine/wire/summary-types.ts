/**
 * Shared types of the tcpdump-style summariser (summary.ts): the options that mirror tcpdump's
 * flags, the IP-layer context handed to transport printers, and tcpdump's per-connection table
 * for relative TCP sequence numbers.
 */

export interface SummaryOptions {
  /** -e: print the link-level header (MACs, EtherType, 802.1Q tags). */
  readonly link?: boolean;
  /** -q: quick output (less protocol information). */
  readonly quiet?: boolean;
  /**
   * Without -S tcpdump prints TCP sequence numbers relative to the first segment with ACK of each
   * connection; that needs state across packets. Omit for absolute numbers (`tcpdump -S`).
   */
  readonly tcpSeq?: TcpSeqTracker;
}

/** What the IP layer tells the transport printers. */
export interface IpContext {
  readonly v: 4 | 6;
  readonly src: string;
  readonly dst: string;
  readonly srcBytes: Uint8Array;
  readonly dstBytes: Uint8Array;
  /** More fragments follow (IPv4 MF / an IPv6 fragment header was crossed). */
  readonly fragmented: boolean;
  /**
   * The transport header follows the IP header directly (IPv6: no extension headers). tcpdump
   * prints "addr.port > addr.port" only then, else just "port > port".
   */
  readonly direct: boolean;
  readonly opts: SummaryOptions;
}

interface SeqEntry {
  seq: number;
  ack: number;
}

/**
 * tcpdump's tcp_seq_hash: one entry per connection (both directions share it), keyed with the
 * lower port (or, on equal ports, the lower address) first. Created or reset by any segment with
 * ACK that is new or carries SYN; every later segment with ACK prints numbers relative to it.
 */
export class TcpSeqTracker {
  private readonly table = new Map<string, SeqEntry>();

  /** Returns [seq, ack, thseq, thack, rev] as tcpdump computes them (all uint32). */
  relative(srcBytes: Uint8Array, dstBytes: Uint8Array, sport: number, dport: number, seq: number, ack: number, syn: boolean): { seq: number; ack: number; thseq: number; thack: number; rev: boolean } {
    let rev = false;
    if (sport > dport) rev = true;
    else if (sport === dport && compareBytes(srcBytes, dstBytes) > 0) rev = true;
    const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    const key = rev ? `${hex(dstBytes)}>${hex(srcBytes)}:${dport}:${sport}` : `${hex(srcBytes)}>${hex(dstBytes)}:${sport}:${dport}`;
    const found = this.table.get(key);
    if (!found || syn) {
      const e: SeqEntry = rev ? { ack: seq, seq: (ack - 1) >>> 0 } : { seq, ack: (ack - 1) >>> 0 };
      this.table.set(key, e);
      return { seq, ack, thseq: e.seq, thack: e.ack, rev };
    }
    const rs = rev ? (seq - found.ack) >>> 0 : (seq - found.seq) >>> 0;
    const ra = rev ? (ack - found.seq) >>> 0 : (ack - found.ack) >>> 0;
    return { seq: rs, ack: ra, thseq: found.seq, thack: found.ack, rev };
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
