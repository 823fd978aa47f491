/**
 * DNS over TCP framing (RFC 1035 §4.2.2, RFC 7766 §8): each message is preceded by a 2-octet
 * length in network byte order. `DnsTcpReassembler` turns a byte stream (any segmentation)
 * back into whole messages.
 */

/** Prefixes `msg` with its 16-bit length. Throws RangeError above 65535 octets. */
export function frameTcpDns(msg: Uint8Array): Uint8Array {
  if (msg.length > 0xffff) throw new RangeError(`DNS message of ${msg.length} octets does not fit the 16-bit TCP length prefix`);
  const out = new Uint8Array(2 + msg.length);
  out[0] = msg.length >>> 8;
  out[1] = msg.length & 0xff;
  out.set(msg, 2);
  return out;
}

/** Accumulates stream bytes and yields each complete length-prefixed message. */
export class DnsTcpReassembler {
  private buf = new Uint8Array(0);

  /** Appends `chunk` and returns the messages it completed (without their prefixes), in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length) {
      const b = new Uint8Array(this.buf.length + chunk.length);
      b.set(this.buf);
      b.set(chunk, this.buf.length);
      this.buf = b;
    }
    const out: Uint8Array[] = [];
    let pos = 0;
    while (this.buf.length - pos >= 2) {
      const len = (this.buf[pos]! << 8) | this.buf[pos + 1]!;
      if (this.buf.length - pos - 2 < len) break;
      out.push(this.buf.slice(pos + 2, pos + 2 + len));
      pos += 2 + len;
    }
    if (pos) this.buf = this.buf.slice(pos);
    return out;
  }

  /** Octets held for an incomplete message (prefix included). */
  get pending(): number {
    return this.buf.length;
  }

  reset(): void {
    this.buf = new Uint8Array(0);
  }
}
