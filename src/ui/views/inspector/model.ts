/**
 * Packet inspector view-model (pure, no DOM): the field tree flattened into visible rows with
 * expansion state, the innermost field under a byte, hex/ASCII rows with highlight ranges, and
 * the bit pattern of sub-byte fields. The React shell and the tests both use these.
 */
import type { FieldNode } from '../../../engine/index.ts';

/** Path id of a field: parent id + "/" + key (a "#n" suffix tells repeated keys apart). */
export type FieldId = string;

export interface FieldRow {
  readonly id: FieldId;
  readonly parentId: FieldId | null;
  readonly node: FieldNode;
  /** 1-based (aria-level). */
  readonly level: number;
  /** 1-based position among siblings (aria-posinset) and the number of siblings. */
  readonly posInSet: number;
  readonly setSize: number;
  readonly hasChildren: boolean;
  readonly expanded: boolean;
  /** The field itself is flagged (bad checksum, truncated, ...). */
  readonly error: string | undefined;
  /** A collapsed descendant carries an error (so a collapsed layer still shows the problem). */
  readonly hiddenError: boolean;
}

/** Calls `visit` for every field depth-first with its path id; stops descending when it returns false. */
export function walkFields(layers: readonly FieldNode[], visit: (node: FieldNode, id: FieldId, parentId: FieldId | null, depth: number, index: number, siblings: number) => boolean | void): void {
  const rec = (nodes: readonly FieldNode[], parentId: FieldId | null, depth: number): void => {
    const seen = new Map<string, number>();
    nodes.forEach((node, index) => {
      const n = seen.get(node.key) ?? 0;
      seen.set(node.key, n + 1);
      const id = (parentId === null ? '' : parentId + '/') + node.key + (n > 0 ? `#${n}` : '');
      if (visit(node, id, parentId, depth, index, nodes.length) === false) return;
      if (node.children?.length) rec(node.children, id, depth + 1);
    });
  };
  rec(layers, null, 0);
}

function subtreeHasError(node: FieldNode): boolean {
  return (node.children ?? []).some((c) => c.error !== undefined || subtreeHasError(c));
}

/** The visible rows of the tree: children of collapsed nodes are left out. */
export function flattenFields(layers: readonly FieldNode[], expanded: ReadonlySet<FieldId>): FieldRow[] {
  const rows: FieldRow[] = [];
  walkFields(layers, (node, id, parentId, depth, index, siblings) => {
    const hasChildren = (node.children?.length ?? 0) > 0;
    const isOpen = hasChildren && expanded.has(id);
    rows.push({
      id,
      parentId,
      node,
      level: depth + 1,
      posInSet: index + 1,
      setSize: siblings,
      hasChildren,
      expanded: isOpen,
      error: node.error,
      hiddenError: hasChildren && !isOpen && subtreeHasError(node),
    });
    return isOpen;
  });
  return rows;
}

/** Ids of every field that has an error and of all its ancestors (expanded by default so problems show). */
export function errorPaths(layers: readonly FieldNode[]): Set<FieldId> {
  const out = new Set<FieldId>();
  walkFields(layers, (node, id) => {
    if (node.error !== undefined) {
      const parts = id.split('/');
      for (let i = 1; i < parts.length; i++) out.add(parts.slice(0, i).join('/'));
    }
  });
  return out;
}

/** Looks a field up by its path id. */
export function fieldById(layers: readonly FieldNode[], id: FieldId | null): FieldNode | undefined {
  if (id === null) return undefined;
  let hit: FieldNode | undefined;
  walkFields(layers, (node, nid) => {
    if (hit) return false;
    if (nid === id) {
      hit = node;
      return false;
    }
    return id.startsWith(nid + '/');
  });
  return hit;
}

/** Ids of a field's ancestors, outermost first. */
export function ancestorIds(id: FieldId): FieldId[] {
  const parts = id.split('/');
  const out: FieldId[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

/**
 * The innermost field covering byte `offset`, as a click on that byte in the hex dump selects it:
 * the field with the smallest byte range; ties go to the deeper field (a TCP payload over a
 * top-level "Data" node), then to the first. Bit fields that only break their parent into bits
 * (every sibling has a bitMask: the LG/IG bits of a MAC address, the TCP flag bits) are skipped,
 * so a byte selects "Destination" or "Flags" rather than one bit of it; bit fields among byte
 * fields (IPv4 Version and Header Length) are selectable.
 */
export function fieldAtByte(layers: readonly FieldNode[], offset: number): { id: FieldId; node: FieldNode } | null {
  let best: { id: FieldId; node: FieldNode; span: number; depth: number } | null = null;
  const rec = (nodes: readonly FieldNode[], parentId: FieldId | null, depth: number, bitsOnly: boolean): void => {
    const seen = new Map<string, number>();
    for (const node of nodes) {
      const n = seen.get(node.key) ?? 0;
      seen.set(node.key, n + 1);
      const id = (parentId === null ? '' : parentId + '/') + node.key + (n > 0 ? `#${n}` : '');
      if (offset >= node.start && offset < node.end && !bitsOnly) {
        const span = node.end - node.start;
        if (!best || span < best.span || (span === best.span && depth > best.depth)) best = { id, node, span, depth };
      }
      // Descend even when this node does not cover the byte: a malformed tree may place
      // children outside their parent, and nothing should be unreachable.
      const children = node.children ?? [];
      if (children.length) rec(children, id, depth + 1, depth > 0 && children.every((c) => c.bitMask !== undefined));
    }
  };
  rec(layers, null, 0, false);
  const b = best as { id: FieldId; node: FieldNode } | null;
  return b ? { id: b.id, node: b.node } : null;
}

export interface HexRow {
  /** Offset of the first byte of the row. */
  readonly offset: number;
  /** "0000", "0010", ... */
  readonly label: string;
  /** The row's bytes (at most `width`). */
  readonly bytes: readonly number[];
  /** Two-digit lowercase hex per byte. */
  readonly hex: readonly string[];
  /** Printable ASCII per byte, "." otherwise. */
  readonly ascii: readonly string[];
}

export function hexRows(bytes: Uint8Array, width = 16): HexRow[] {
  const rows: HexRow[] = [];
  const digits = Math.max(4, Math.max(0, bytes.length - 1).toString(16).length);
  for (let off = 0; off < bytes.length; off += width) {
    const slice = Array.from(bytes.subarray(off, off + width));
    rows.push({
      offset: off,
      label: off.toString(16).padStart(digits, '0'),
      bytes: slice,
      hex: slice.map((b) => b.toString(16).padStart(2, '0')),
      ascii: slice.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')),
    });
  }
  return rows;
}

/** Whether byte `offset` is in the half-open range of a field (clamped to the frame). */
export function inRange(field: Pick<FieldNode, 'start' | 'end'> | undefined, offset: number): boolean {
  return field !== undefined && offset >= field.start && offset < field.end;
}

/**
 * Wireshark's bit view of a sub-byte field: each covered bit shows its value in the frame, the
 * others a dot, grouped by 4 ("..1. ...." for a set bit 5 of one byte). Null without a mask.
 */
export function bitPattern(bytes: Uint8Array, field: Pick<FieldNode, 'start' | 'end' | 'bitMask'>): string | null {
  if (field.bitMask === undefined) return null;
  const n = Math.max(1, field.end - field.start);
  const bits: string[] = [];
  for (let i = 0; i < n * 8; i++) {
    const bitFromMsb = n * 8 - 1 - i;
    const maskBit = Math.floor(field.bitMask / 2 ** bitFromMsb) % 2 === 1;
    const byte = bytes[field.start + Math.floor(i / 8)];
    const value = byte === undefined ? '?' : (byte >> (7 - (i % 8))) & 1 ? '1' : '0';
    bits.push(maskBit ? value : '.');
    if (i % 4 === 3 && i !== n * 8 - 1) bits.push(' ');
  }
  return bits.join('');
}

/** Continuous lowercase hex ("Copy as Hex Stream"). */
export function toHexStream(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  for (let i = start; i < Math.min(end, bytes.length); i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return s;
}

/** "bytes 14–33 (20 bytes)" for the details line. */
export function describeRange(field: Pick<FieldNode, 'start' | 'end'>): string {
  const len = field.end - field.start;
  if (len <= 0) return `at byte ${field.start} (no bytes)`;
  if (len === 1) return `byte ${field.start} (1 byte)`;
  return `bytes ${field.start}–${field.end - 1} (${len} bytes)`;
}

/** Every error in the tree, with the field it is on (for the header's problem summary). */
export function collectErrors(layers: readonly FieldNode[]): { id: FieldId; node: FieldNode }[] {
  const out: { id: FieldId; node: FieldNode }[] = [];
  walkFields(layers, (node, id) => {
    if (node.error !== undefined) out.push({ id, node });
  });
  return out;
}
