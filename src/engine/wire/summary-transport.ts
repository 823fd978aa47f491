/**
 * TCP and UDP one-liners as tcpdump -n 4.99 prints them (print-tcp.c, print-udp.c):
 * `10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1, win 64240, options [mss 1460,...], length 0`,
 * `10.0.0.1.33434 > 10.0.0.2.33435: UDP, length 32`, and the application printers tcpdump runs
 * by port that the engine's traffic reaches: DNS (53, 5353) and HTTP (80, 8080).
 */
import { u16, u32 } from './bytes.ts';
import { summarizeDns } from './summary-dns.ts';
import type { IpContext } from './summary-types.ts';

function endpoints(ctx: IpContext, sport: number, dport: number): string {
  return ctx.direct ? `${ctx.src}.${sport} > ${ctx.dst}.${dport}: ` : `${sport} > ${dport}: `;
}

// ---- UDP -----------------------------------------------------------------------------------

export function summarizeUdp(p: Uint8Array, ctx: IpContext): string {
  if (p.length < 4) return `${ctx.src} > ${ctx.dst}: [|udp]`;
  const sport = u16(p, 0);
  const dport = u16(p, 2);
  const head = endpoints(ctx, sport, dport);
  if (p.length < 8) return `${head}[|udp]`;
  const ulen = u16(p, 4);
  if (ulen < 8) return `${head}truncated-udplength ${ulen}`;
  const dataLen = ulen - 8;
  const data = p.subarray(8, Math.min(p.length, ulen));
  if (ctx.opts.quiet) return `${head}UDP, length ${dataLen}`;
  const port = (n: number): boolean => sport === n || dport === n;
  if (!ctx.fragmented || data.length >= dataLen) {
    if (port(53)) return `${head}${summarizeDns(data, dataLen, false, false)}`;
    if (port(5353)) return `${head}${summarizeDns(data, dataLen, false, true)}`;
  }
  return `${head}UDP, length ${dataLen}`;
}

// ---- TCP -----------------------------------------------------------------------------------

const FLAG_CHARS: ReadonlyArray<[number, string]> = [
  [0x01, 'F'],
  [0x02, 'S'],
  [0x04, 'R'],
  [0x08, 'P'],
  [0x10, '.'],
  [0x20, 'U'],
  [0x40, 'E'],
  [0x80, 'W'],
];

const OPTION_NAMES: Record<number, string> = {
  0: 'eol',
  1: 'nop',
  2: 'mss',
  3: 'wscale',
  4: 'sackOK',
  5: 'sack',
  6: 'echo',
  7: 'echoreply',
  8: 'TS',
  11: 'cc',
  12: 'ccnew',
  13: 'ccecho',
  19: 'md5',
  20: 'scps',
  27: 'qs',
  28: 'uto',
  29: 'tcp-ao',
  30: 'mptcp',
  34: 'tfo',
  253: 'exp',
  254: 'exp',
};

export function summarizeTcp(p: Uint8Array, ctx: IpContext): string {
  const length = p.length;
  if (length < 4) return `${ctx.src} > ${ctx.dst}: [|tcp]`;
  const sport = u16(p, 0);
  const dport = u16(p, 2);
  const head = endpoints(ctx, sport, dport);
  if (length < 20) return `${head}[|tcp]`;
  let hlen = (p[12]! >> 4) * 4;
  if (hlen < 20) return `${head} tcp ${length - hlen} [bad hdr length ${hlen} - too short, < 20]`;
  let seq = u32(p, 4);
  let ack = u32(p, 8);
  const win = u16(p, 14);
  const urp = u16(p, 18);
  if (ctx.opts.quiet) return `${head}tcp ${length - hlen}${hlen > length ? ` [bad hdr length ${hlen} - too long, > ${length}]` : ''}`;
  const flags = ((p[12]! & 0x01) << 8) | p[13]!;
  let out = `${head}Flags [${FLAG_CHARS.filter(([b]) => flags & b).map(([, c]) => c).join('') || 'none'}]`;
  let thseq = 0;
  let thack = 0;
  let rev = false;
  if (ctx.opts.tcpSeq && flags & 0x10) {
    const r = ctx.opts.tcpSeq.relative(ctx.srcBytes, ctx.dstBytes, sport, dport, seq, ack, (flags & 0x02) !== 0);
    ({ seq, ack, thseq, thack, rev } = r);
  }
  if (hlen > length) return `${out} [bad hdr length ${hlen} - too long, > ${length}]`;
  const dataLen = length - hlen;
  if (dataLen > 0 || flags & 0x07) {
    out += `, seq ${seq}`;
    if (dataLen > 0) out += `:${(seq + dataLen) >>> 0}`;
  }
  if (flags & 0x10) out += `, ack ${ack}`;
  out += `, win ${win}`;
  if (flags & 0x20) out += `, urg ${urp}`;
  if (hlen > 20) {
    const opts: string[] = [];
    let cp = 20;
    hlen -= 20;
    let bad = false;
    while (hlen > 0) {
      const opt = p[cp++]!;
      let len = 1;
      if (opt !== 0 && opt !== 1) {
        len = p[cp++]!;
        if (len < 2 || len > hlen) {
          bad = true;
          break;
        }
        hlen--;
      }
      hlen--;
      let text = OPTION_NAMES[opt] ?? `unknown-${opt}`;
      let datalen = 0;
      switch (opt) {
        case 2:
          datalen = 2;
          text += ` ${u16(p, cp)}`;
          break;
        case 3:
          datalen = 1;
          text += ` ${p[cp]!}`;
          break;
        case 5:
          datalen = len - 2;
          if (datalen % 8 !== 0) text += ' invalid sack';
          else {
            text += ` ${datalen / 8} `;
            for (let i = 0; i < datalen; i += 8) {
              const base = rev ? thseq : thack;
              text += `{${(u32(p, cp + i) - base) >>> 0}:${(u32(p, cp + i + 4) - base) >>> 0}}`;
            }
          }
          break;
        case 6:
        case 7:
        case 11:
        case 12:
        case 13:
          datalen = 4;
          text += ` ${u32(p, cp)}`;
          break;
        case 8:
          datalen = 8;
          if (datalen > hlen) {
            bad = true;
            break;
          }
          text += ` val ${u32(p, cp)} ecr ${u32(p, cp + 4)}`;
          break;
        case 28: {
          datalen = 2;
          let uto = u16(p, cp);
          text += ` 0x${uto.toString(16)}`;
          uto = uto & 1 ? (uto >> 1) * 60 : uto >> 1;
          text += ` ${uto}`;
          break;
        }
        case 34:
          datalen = len - 2;
          text += datalen === 0 ? '  cookiereq' : `  cookie ${hex(p.subarray(cp, cp + datalen))}`;
          break;
        case 0:
        case 1:
        case 4:
          break;
        default:
          datalen = len - 2;
          if (datalen) text += ` 0x${hex(p.subarray(cp, cp + datalen))}`;
      }
      if (bad) break;
      if (datalen > hlen) {
        bad = true;
        break;
      }
      cp += datalen;
      hlen -= datalen;
      const spec = datalen + (opt === 0 || opt === 1 ? 1 : 2);
      if (spec !== len) text += `[len ${len}]`;
      opts.push(text);
      if (opt === 0) break;
    }
    out += `, options [${opts.join(',')}${bad ? `${opts.length ? ',' : ''}[bad opt]` : ''}]`;
    if (bad) return out;
  }
  out += `, length ${dataLen}`;
  if (dataLen === 0) return out;
  const data = p.subarray((p[12]! >> 4) * 4);
  if (flags & 0x04) return out;
  const port = (n: number): boolean => sport === n || dport === n;
  if (port(80) || port(8080)) return `${out}: ${httpLine(data)}`;
  if (port(53)) return `${out}${summarizeDnsOverTcp(data)}`;
  return out;
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function summarizeDnsOverTcp(data: Uint8Array): string {
  if (data.length < 2) return ` [DNS over TCP: length ${data.length} < 2] (invalid)`;
  const prefix = u16(data, 0);
  if (prefix !== data.length - 2) return ` [prefix length(${prefix}) != length(${data.length - 2})] (invalid)`;
  return ` ${summarizeDns(data.subarray(2), data.length - 2, true, false)}`;
}

// ---- HTTP (print-http.c → txtproto_print) ---------------------------------------------------

const HTTP_METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT', 'PROPFIND', 'PROPPATCH', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'POLL', 'BPROPFIND', 'BPROPPATCH', 'BDELETE', 'BCOPY', 'BMOVE', 'NOTIFY', 'SEARCH', 'SUBSCRIBE', 'UNSUBSCRIBE', 'MKCOL', 'ACL', 'REPORT', 'VERSION-CONTROL', 'CHECKOUT', 'CHECKIN', 'UNCHECKOUT', 'MKWORKSPACE', 'UPDATE', 'LABEL', 'MERGE', 'BASELINE-CONTROL', 'MKACTIVITY', 'ORDERPATCH', 'MKREDIRECTREF', 'UPDATEREDIRECTREF', 'BIND', 'UNBIND', 'REBIND'];

/** A token as tcpdump's fetch_token reads it: printable non-space characters up to a space. */
function tokens(data: Uint8Array, max: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (out.length < max) {
    let tok = '';
    for (; i < data.length; i++) {
      const c = data[i]!;
      if (c === 0x20 || c === 0x0d || c === 0x0a || c < 0x20 || c > 0x7e) break;
      tok += String.fromCharCode(c);
    }
    if (i >= data.length || data[i] !== 0x20 || tok === '') {
      if (tok !== '' && i < data.length) out.push(tok);
      break;
    }
    out.push(tok);
    while (i < data.length && data[i] === 0x20) i++;
  }
  return out;
}

function httpLine(data: Uint8Array): string {
  const [first, second] = tokens(data, 2);
  const isRequest = first !== undefined && HTTP_METHODS.includes(first.toUpperCase());
  const isResponse = second !== undefined && /^\d{3}$/.test(second);
  if (!isRequest && !isResponse) return 'HTTP';
  let line = '';
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    if (c === 0x0d && data[i + 1] === 0x0a) return `HTTP: ${line}`;
    if (c === 0x0a) return `HTTP: ${line}`;
    line += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : '.';
  }
  return `HTTP: ${line}`;
}
