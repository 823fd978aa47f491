/**
 * The inspector's field tree. Every codec's `describe*` returns one `FieldNode` per protocol
 * layer, whose children are the header fields. Byte ranges are absolute within the frame
 * (the caller passes the layer's base offset), half-open: [start, end).
 *
 * Describing never throws: a truncated or malformed packet is described as far as it goes,
 * and the node for the first field that does not fit carries `error`.
 */
export interface FieldNode {
  /** Short machine-stable key, e.g. "ttl", "flags.df". */
  readonly key: string;
  /** Display name, e.g. "Time to Live". */
  readonly name: string;
  /** Display value, e.g. "64" or "0x4000 (Don't fragment)". */
  readonly value: string;
  readonly start: number;
  readonly end: number;
  /** For sub-byte fields: the bit mask within the covered bytes (big-endian), e.g. 0x4000 for DF. */
  readonly bitMask?: number;
  /** Where the field is defined, e.g. "RFC 791 §3.1". */
  readonly rfc?: string;
  /** One sentence for learners: what the field is for. */
  readonly meaning?: string;
  /** Set when the field is missing, truncated or inconsistent (e.g. a bad checksum). */
  readonly error?: string;
  readonly children?: readonly FieldNode[];
}

export interface FieldInit {
  key: string;
  name: string;
  value: string | number;
  start: number;
  end: number;
  bitMask?: number;
  rfc?: string;
  meaning?: string;
  error?: string;
  children?: FieldNode[];
}

/** Builds a field node, dropping undefined optional members so trees compare cleanly. */
export function field(init: FieldInit): FieldNode {
  const node: { -readonly [K in keyof FieldNode]: FieldNode[K] } = {
    key: init.key,
    name: init.name,
    value: typeof init.value === 'number' ? String(init.value) : init.value,
    start: init.start,
    end: init.end,
  };
  if (init.bitMask !== undefined) node.bitMask = init.bitMask;
  if (init.rfc !== undefined) node.rfc = init.rfc;
  if (init.meaning !== undefined) node.meaning = init.meaning;
  if (init.error !== undefined) node.error = init.error;
  if (init.children !== undefined) node.children = init.children;
  return node;
}

/** A node saying the bytes ran out before `what` could be read. */
export function truncatedField(key: string, what: string, start: number, available: number, rfc?: string): FieldNode {
  return field({
    key,
    name: what,
    value: '[truncated]',
    start,
    end: Math.max(start, available),
    error: `${what}: packet ends before this field`,
    ...(rfc !== undefined ? { rfc } : {}),
  });
}

export function hex(n: number, digits: number): string {
  return '0x' + n.toString(16).padStart(digits, '0');
}

/** Depth-first search for a field by key path ("ipv4/ttl" style keys are just the node keys). */
export function findField(node: FieldNode, key: string): FieldNode | undefined {
  if (node.key === key) return node;
  for (const child of node.children ?? []) {
    const hit = findField(child, key);
    if (hit) return hit;
  }
  return undefined;
}
