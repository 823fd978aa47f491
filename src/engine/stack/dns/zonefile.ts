/**
 * Zone files (master files), RFC 1035 §5.1, with the BIND conventions instructors paste:
 * - directives $ORIGIN and $TTL (RFC 2308 §4); $INCLUDE and $GENERATE are rejected with a
 *   clear error (the lab has no file system);
 * - "@" is the origin, names without a trailing dot are relative to it, a line starting with
 *   white space reuses the previous owner;
 * - parentheses continue an entry over several lines, ";" starts a comment, quoted strings keep
 *   spaces and take `\"`, `\\` and `\DDD` escapes;
 * - TTL and class may come in either order and both may be omitted; TTLs take BIND units
 *   ("1h30m", "2w"); an omitted TTL is $TTL; without $TTL, as BIND 9 does: a SOA without a
 *   TTL takes its MINIMUM and that becomes the default, otherwise the last explicit TTL
 *   (RFC 1035 §5.1), and a first record without any TTL is an error;
 * - RDATA per type (rdata-text.ts), including the RFC 3597 `\#` form and TYPEnnn / CLASSnnn.
 * Like BIND (named-checkzone), a zone must have exactly one SOA, at its origin, and NS records
 * there; CNAME cannot coexist with other data (RFC 1034 §3.6.2, RFC 2181 §10.1); records
 * outside the zone are dropped with a warning; duplicate records are merged; an RRset with
 * mixed TTLs takes the first TTL (RFC 2181 §5.2) with a warning. `fragment: true` skips the
 * zone-level checks for lists of records.
 */
import type { DnsRecord } from '../../wire/dns/types.ts';
import { RR_TYPE } from '../../wire/dns/types.ts';
import { classFromName, typeFromName, typeName } from '../../wire/dns/format.ts';
import type { RData } from '../../wire/dns/types.ts';
import { DnsWriter, nameKey, namesEqual } from '../../wire/dns/names.ts';
import { encodeRData } from '../../wire/dns/rdata.ts';
import type { TextToken } from '../../wire/dns/rdata-text.ts';
import { parseRDataText, parseTtl, resolveName } from '../../wire/dns/rdata-text.ts';

export interface ZoneFileOptions {
  /** Initial origin (the zone name); $ORIGIN overrides it. */
  origin?: string;
  /** TTL for records without one when there is no $TTL. */
  defaultTtl?: number;
  /** Shown in error messages. */
  fileName?: string;
  /** Parse a list of records, not a whole zone: no SOA/NS/out-of-zone checks. */
  fragment?: boolean;
}

export interface ZoneFileError {
  line: number;
  column?: number;
  message: string;
}

export type ZoneFileResult =
  | { ok: true; records: DnsRecord[]; origin: string; warnings?: ZoneFileError[] }
  | { ok: false; errors: ZoneFileError[] };

interface Token extends TextToken {
  readonly line: number;
  readonly column: number;
}

interface Entry {
  readonly line: number;
  /** The entry starts with white space: the owner is the previous one. */
  readonly blankOwner: boolean;
  readonly tokens: Token[];
}

const MAX_ERRORS = 50;

/** Splits the text into entries (logical lines), honouring quotes, escapes, comments and parentheses. */
function lex(text: string, err: (line: number, column: number, msg: string) => void): Entry[] {
  const entries: Entry[] = [];
  let cur: Entry | undefined;
  let depth = 0;
  let parenLine = 0;
  const lines = text.split(/\r?\n/);
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!;
    const lineNo = li + 1;
    if (depth === 0) {
      if (cur && cur.tokens.length) entries.push(cur);
      cur = { line: lineNo, blankOwner: /^[ \t]/.test(line), tokens: [] };
    }
    let i = 0;
    while (i < line.length) {
      const c = line[i]!;
      if (c === ' ' || c === '\t') {
        i++;
        continue;
      }
      if (c === ';') break;
      if (c === '(') {
        if (depth === 0) parenLine = lineNo;
        depth++;
        i++;
        continue;
      }
      if (c === ')') {
        if (depth === 0) err(lineNo, i + 1, 'unbalanced ")" (no matching "(")');
        else depth--;
        i++;
        continue;
      }
      // A token: runs of plain characters and quoted segments ("alpn=\"h2,h3\"" is one token).
      const start = i;
      let text = '';
      let quoted = false;
      let closed = true;
      while (i < line.length && !/[ \t;()]/.test(line[i]!)) {
        if (line[i] === '"') {
          quoted = true;
          closed = false;
          i++;
          while (i < line.length) {
            if (line[i] === '\\' && i + 1 < line.length) {
              text += line.slice(i, i + 2);
              i += 2;
            } else if (line[i] === '"') {
              closed = true;
              i++;
              break;
            } else text += line[i++];
          }
          if (!closed) break;
        } else if (line[i] === '\\' && i + 1 < line.length) {
          text += line.slice(i, i + 2);
          i += 2;
        } else text += line[i++];
      }
      if (!closed) err(lineNo, start + 1, 'unterminated quoted string (quotes must close on the same line)');
      cur!.tokens.push({ text, quoted, line: lineNo, column: start + 1 });
    }
  }
  if (depth > 0) err(parenLine, 0, 'unbalanced "(" (missing ")" before the end of the file)');
  if (cur && cur.tokens.length) entries.push(cur);
  return entries;
}

function looksLikeClass(t: Token): number | undefined {
  return t.quoted ? undefined : classFromName(t.text);
}

/** Parses a zone file. Never throws. */
export function parseZoneFile(text: string, opts: ZoneFileOptions = {}): ZoneFileResult {
  const errors: ZoneFileError[] = [];
  const warnings: ZoneFileError[] = [];
  const prefix = opts.fileName ? `${opts.fileName} ` : '';
  const err = (line: number, column: number | undefined, msg: string): void => {
    if (errors.length < MAX_ERRORS) errors.push({ line, ...(column ? { column } : {}), message: `${prefix}line ${line}: ${msg}` });
  };
  const warn = (line: number, msg: string): void => void warnings.push({ line, message: `${prefix}line ${line}: ${msg}` });

  let origin: string | undefined;
  if (opts.origin !== undefined) {
    const o = resolveName(opts.origin.endsWith('.') ? opts.origin : `${opts.origin}.`, undefined, 'origin');
    if (typeof o !== 'string') return { ok: false, errors: [{ line: 0, message: `${prefix}${o.error}` }] };
    origin = o;
  }
  const zoneOrigin = origin;
  let dollarTtl: number | undefined;
  let lastTtl: number | undefined;
  let soaDefault: number | undefined;
  let warnedRfc1035 = false;
  let lastOwner: string | undefined;
  let zoneClass: number | undefined;
  const records: DnsRecord[] = [];
  const lineOf: number[] = [];

  for (const e of lex(text, err)) {
    const tk = e.tokens;
    const first = tk[0]!;
    if (!e.blankOwner && !first.quoted && first.text.startsWith('$')) {
      const dir = first.text.toUpperCase();
      if (dir === '$ORIGIN') {
        if (tk.length !== 2) err(e.line, first.column, '$ORIGIN needs exactly one domain name');
        else {
          const o = resolveName(tk[1]!.text, origin, '$ORIGIN');
          if (typeof o === 'string') origin = o;
          else err(e.line, tk[1]!.column, o.error);
        }
      } else if (dir === '$TTL') {
        const v = tk.length === 2 ? parseTtl(tk[1]!.text) : undefined;
        if (v === undefined) err(e.line, first.column, '$TTL needs one TTL (seconds, or units like 1h30m, at most 2147483647 s)');
        else dollarTtl = v;
      } else if (dir === '$INCLUDE') {
        err(e.line, first.column, '$INCLUDE is not supported here: paste the included records into this zone instead');
      } else if (dir === '$GENERATE') {
        err(e.line, first.column, '$GENERATE is not supported here: write the generated records out');
      } else {
        err(e.line, first.column, `unknown directive ${first.text} (known: $ORIGIN, $TTL)`);
      }
      continue;
    }
    // Owner.
    let i = 0;
    let owner: string;
    if (e.blankOwner) {
      if (lastOwner === undefined) {
        err(e.line, first.column, 'no owner name: the first record must not start with white space');
        continue;
      }
      owner = lastOwner;
    } else {
      const o = resolveName(first.text, origin, 'owner name');
      if (typeof o !== 'string') {
        err(e.line, first.column, o.error);
        continue;
      }
      owner = o;
      i = 1;
    }
    lastOwner = owner;
    // [TTL] [class] in either order.
    let ttl: number | undefined;
    let cls: number | undefined;
    for (let k = 0; k < 2 && i < tk.length; k++) {
      const t = tk[i]!;
      const asTtl = t.quoted ? undefined : parseTtl(t.text);
      if (ttl === undefined && asTtl !== undefined) {
        ttl = asTtl;
        i++;
      } else if (cls === undefined && looksLikeClass(t) !== undefined && typeFromName(t.text) === undefined) {
        cls = looksLikeClass(t);
        i++;
      } else if (ttl === undefined && /^[0-9]/.test(t.text) && !t.quoted) {
        err(e.line, t.column, `"${t.text}" is not a valid TTL (seconds, or units like 1h30m, at most 2147483647 s)`);
        ttl = -1;
        break;
      }
    }
    if (ttl === -1) continue;
    const typeTok = tk[i];
    if (!typeTok) {
      err(e.line, first.column, 'record has no type (expected e.g. A, NS, MX after the owner, TTL and class)');
      continue;
    }
    const type = typeTok.quoted ? undefined : typeFromName(typeTok.text);
    if (type === undefined) {
      err(e.line, typeTok.column, `unknown record type "${typeTok.text}"`);
      continue;
    }
    if (type === RR_TYPE.OPT || type === RR_TYPE.ANY || type === 251 || type === 252 || type === 249 || type === 250) {
      err(e.line, typeTok.column, `${typeName(type)} is a meta type and cannot appear in a zone file`);
      continue;
    }
    cls ??= zoneClass ?? 1;
    if (zoneClass === undefined) zoneClass = cls;
    else if (cls !== zoneClass) {
      err(e.line, typeTok.column, `class differs from the zone's class (all records must share one class)`);
      continue;
    }
    const rd = parseRDataText(type, tk.slice(i + 1), origin);
    if ('error' in rd) {
      err(e.line, tk[i + 1]?.column ?? typeTok.column, rd.error);
      continue;
    }
    if (ttl !== undefined) lastTtl = ttl;
    else if (dollarTtl !== undefined) ttl = dollarTtl;
    else if (opts.defaultTtl !== undefined) ttl = opts.defaultTtl;
    else if (soaDefault !== undefined) ttl = soaDefault;
    else if (lastTtl !== undefined) {
      ttl = lastTtl;
      if (!warnedRfc1035) warn(e.line, `no $TTL: using the last explicit TTL (${lastTtl}), RFC 1035 §5.1 semantics`);
      warnedRfc1035 = true;
    } else if (rd.type === 'SOA') {
      ttl = soaDefault = rd.minimum;
      warn(e.line, 'no TTL specified; using SOA MINIMUM instead (add a $TTL line)');
    } else {
      err(e.line, typeTok.column, 'no TTL specified: add a $TTL line at the top or a TTL on this record (RFC 2308 §4)');
      continue;
    }
    records.push({ name: owner, type, class: cls, ttl, data: rd });
    lineOf.push(e.line);
  }
  if (errors.length) return { ok: false, errors };
  const finalOrigin = zoneOrigin ?? origin ?? '.';
  const checked = opts.fragment ? { records, errors: [] as ZoneFileError[] } : checkZone(records, lineOf, finalOrigin, prefix, warn);
  if (checked.errors.length) return { ok: false, errors: checked.errors };
  return { ok: true, records: checked.records, origin: finalOrigin, ...(warnings.length ? { warnings } : {}) };
}

/** Wire RDATA as text, to spot duplicate records. */
function rdataKey(rd: RData): string {
  const w = new DnsWriter(false);
  encodeRData(w, rd);
  return Array.from(w.result()).join(',');
}

function inZone(name: string, zone: string): boolean {
  if (zone === '.') return true;
  const n = nameKey(name);
  const z = nameKey(zone);
  return n === z || n.endsWith(`.${z}`);
}

/** Zone-level checks as named-checkzone does them (see the module comment). */
function checkZone(records: DnsRecord[], lineOf: number[], origin: string, prefix: string, warn: (line: number, msg: string) => void): { records: DnsRecord[]; errors: ZoneFileError[] } {
  const errors: ZoneFileError[] = [];
  const fail = (line: number, msg: string): void => void errors.push({ line, message: line ? `${prefix}line ${line}: ${msg}` : `${prefix}${msg}` });
  const out: DnsRecord[] = [];
  const outLines: number[] = [];
  const seen = new Map<string, number>(); // rrset key -> index of first record
  const rdataSeen = new Set<string>();
  records.forEach((rr, idx) => {
    const line = lineOf[idx]!;
    if (!inZone(rr.name, origin)) {
      warn(line, `${rr.name} is outside the zone ${origin}; record ignored`);
      return;
    }
    const setKey = `${nameKey(rr.name)}/${rr.type}`;
    const rdKey = `${setKey}/${rdataKey(rr.data)}`;
    if (rdataSeen.has(rdKey)) return; // duplicate record: merged, as BIND does
    rdataSeen.add(rdKey);
    const first = seen.get(setKey);
    if (first !== undefined && out[first]!.ttl !== rr.ttl) {
      warn(line, `TTL ${rr.ttl} differs from the RRset's TTL ${out[first]!.ttl}; using ${out[first]!.ttl} (RFC 2181 §5.2)`);
      rr = { ...rr, ttl: out[first]!.ttl };
    }
    if (first === undefined) seen.set(setKey, out.length);
    out.push(rr);
    outLines.push(line);
  });
  const soas = out.map((r, i) => [r, outLines[i]!] as const).filter(([r]) => r.type === RR_TYPE.SOA);
  if (soas.length === 0) fail(0, `zone ${origin} has no SOA record at its origin (RFC 1035 §5.2)`);
  for (const [r, line] of soas) if (!namesEqual(r.name, origin)) fail(line, `SOA record for ${r.name} is not at the top of the zone ${origin}`);
  if (soas.filter(([r]) => namesEqual(r.name, origin)).length > 1) fail(soas[1]![1], 'multiple SOA records (a zone has exactly one)');
  if (soas.length && !out.some((r) => r.type === RR_TYPE.NS && namesEqual(r.name, origin))) fail(0, `zone ${origin} has no NS records at its origin`);
  // RFC 1034 §3.6.2: reported at the record that makes the conflict, as named-checkzone does.
  const byName = new Map<string, { types: Set<number>; cname?: number; other?: number }>();
  out.forEach((r, i) => {
    const k = nameKey(r.name);
    const e = byName.get(k) ?? { types: new Set<number>() };
    const line = outLines[i]!;
    if (r.type === RR_TYPE.CNAME) e.cname ??= line;
    else if (r.type !== RR_TYPE.RRSIG && r.type !== RR_TYPE.NSEC) e.other ??= line;
    e.types.add(r.type);
    byName.set(k, e);
  });
  for (const [name, e] of byName) {
    if (e.cname === undefined) continue;
    const others = [...e.types].filter((t) => t !== RR_TYPE.CNAME && t !== RR_TYPE.RRSIG && t !== RR_TYPE.NSEC);
    if (others.length) fail(Math.max(e.cname, e.other!), `${name}: CNAME and other data (${others.map(typeName).join(', ')}) at the same name (RFC 1034 §3.6.2)`);
    const cnames = out.map((r, i) => [r, outLines[i]!] as const).filter(([r]) => r.type === RR_TYPE.CNAME && nameKey(r.name) === name);
    if (cnames.length > 1) fail(cnames[1]![1], `${name}: more than one CNAME record (RFC 2181 §10.1)`);
  }
  errors.sort((a, b) => a.line - b.line);
  return { records: out, errors };
}
