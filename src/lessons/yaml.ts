/**
 * YAML (front matter, task blocks) read with line numbers kept, and zod issues turned into
 * lesson errors that point at the file, the line and the field:
 * `lessons/ping/lesson.md:42: task.check.output.matches: invalid regular expression: ...`.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import type { z } from 'zod';

export interface LessonError {
  readonly file: string;
  /** 1-based line in the file. */
  readonly line: number;
  /** The offending field ("task.check.output.matches", "prerequisites[0]"), or '' for the file as a whole. */
  readonly field: string;
  readonly message: string;
}

export function formatLessonError(e: LessonError): string {
  return `${e.file}:${e.line}: ${e.field ? `${e.field}: ` : ''}${e.message}`;
}

export type FieldPath = readonly (string | number)[];

export function fieldName(prefix: string, path: FieldPath): string {
  let s = prefix;
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else s += s ? `.${seg}` : seg;
  }
  return s;
}

export interface YamlBlock {
  readonly value: unknown;
  /** The file line of the field at `path` (or of its nearest existing parent). */
  lineOf(path: FieldPath): number;
  readonly errors: LessonError[];
}

/** Parses YAML that starts at `firstLine` (1-based) of `file`. */
export function readYaml(text: string, file: string, firstLine: number, prefix: string): YamlBlock {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
  const at = (offset: number) => lc.linePos(offset).line + firstLine - 1;
  // An error "at the end of the input" belongs to the last line of the block, not the fence after it.
  const lastLine = firstLine + Math.max(0, text.replace(/\n+$/, '').split('\n').length - 1);
  const errors: LessonError[] = doc.errors.map((e) => ({
    file,
    line: Math.min(lastLine, (e.linePos?.[0]?.line ?? 1) + firstLine - 1),
    field: prefix,
    message: `invalid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
  }));
  const nodeLine = (n: unknown): number | undefined => {
    const r = (n as YamlNode | null)?.range;
    return r ? at(r[0]) : undefined;
  };
  const lineOf = (path: FieldPath): number => {
    let node: unknown = doc.contents;
    let line = nodeLine(node) ?? firstLine;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        line = nodeLine(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined) break;
        line = nodeLine(item) ?? line;
        node = item;
      } else break;
    }
    return line;
  };
  return { value: errors.length ? undefined : doc.toJS(), lineOf, errors };
}

interface Issue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
  readonly options?: readonly unknown[];
  readonly values?: readonly unknown[];
  readonly expected?: string;
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v = root;
  for (const seg of path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}

const list = (xs: readonly unknown[]) => xs.map((o) => (typeof o === 'string' ? o : JSON.stringify(o))).join(', ');

/** One lesson error per problem in a zod result (unknown keys each get their own line). */
export function zodErrors(error: z.ZodError, block: YamlBlock, file: string, prefix: string): LessonError[] {
  const out: LessonError[] = [];
  for (const raw of error.issues as readonly Issue[]) {
    const path = raw.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (raw.code === 'unrecognized_keys' && raw.keys) {
      for (const k of raw.keys) out.push({ file, line: block.lineOf([...path, k]), field: fieldName(prefix, [...path, k]), message: 'unknown field' });
      continue;
    }
    let message = raw.message;
    if (raw.code === 'invalid_type' && /received undefined$/.test(raw.message)) message = `missing (expected ${raw.expected ?? 'a value'})`;
    else if (raw.code === 'invalid_union' && raw.options) message = `expected one of ${list(raw.options)} (is ${JSON.stringify(valueAt(block.value, path))})`;
    else if (raw.code === 'invalid_value' && raw.values) message = `expected one of ${list(raw.values)} (is ${JSON.stringify(valueAt(block.value, path))})`;
    out.push({ file, line: block.lineOf(path), field: fieldName(prefix, path), message });
  }
  return out;
}
