/**
 * POSIX getopt(3) for terminal commands: clustered flags ("-nq"), attached or separate
 * arguments ("-c3", "-c 3"), "--" ends options, and options may follow operands (GNU
 * permutation, as iputils and traceroute accept). Errors carry the exact glibc wording.
 */
export interface ParsedArgs {
  readonly opts: ReadonlyArray<{ flag: string; value?: string }>;
  readonly operands: readonly string[];
}

export type GetoptError = { readonly kind: 'invalid'; readonly flag: string } | { readonly kind: 'missing'; readonly flag: string };

/** `spec` is a getopt string: letters, ":" after a letter that takes an argument. */
export function getopt(args: readonly string[], spec: string): { ok: true; value: ParsedArgs } | { ok: false; error: GetoptError } {
  const takes = new Map<string, boolean>();
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    if (c === ':') continue;
    takes.set(c, spec[i + 1] === ':');
  }
  const opts: Array<{ flag: string; value?: string }> = [];
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.length < 2 || a[0] !== '-') {
      operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const flag = a[j]!;
      const needs = takes.get(flag);
      if (needs === undefined) return { ok: false, error: { kind: 'invalid', flag } };
      if (!needs) {
        opts.push({ flag });
        continue;
      }
      const rest = a.slice(j + 1);
      if (rest.length > 0) opts.push({ flag, value: rest });
      else if (i + 1 < args.length) opts.push({ flag, value: args[++i]! });
      else return { ok: false, error: { kind: 'missing', flag } };
      break;
    }
  }
  return { ok: true, value: { opts, operands } };
}

/** glibc's messages: "ping: invalid option -- 'z'", "ping: option requires an argument -- 'c'". */
export function getoptMessage(program: string, e: GetoptError): string {
  return e.kind === 'invalid' ? `${program}: invalid option -- '${e.flag}'` : `${program}: option requires an argument -- '${e.flag}'`;
}

/** Splits a command line like a shell: whitespace separates, quotes group, backslash escapes. */
export function splitCommandLine(line: string): string[] | { error: string } {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) return { error: `unexpected EOF while looking for matching \`${quote}'` };
  if (inWord) out.push(cur);
  return out;
}
