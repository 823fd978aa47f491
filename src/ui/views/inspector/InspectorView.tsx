/**
 * Packet inspector (Wireshark-style): header line, field tree and hex/ASCII dump of the
 * selected packet. Selecting a field highlights its bytes; selecting a byte selects the
 * innermost field covering it. All tree/hex logic lives in ./model.ts (pure, unit-tested).
 */
import { memo, useCallback, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import type { FieldNode } from '../../../engine/index.ts';
import type { PacketDetail } from '../../../worker/protocol.ts';
import { useLab, useLabContext, useTrace } from '../../lab/context.ts';
import { usePacketDetail } from './usePacketDetail.ts';
import type { FieldId, FieldRow, HexRow } from './model.ts';
import { ancestorIds, bitPattern, collectErrors, describeRange, errorPaths, fieldAtByte, fieldById, flattenFields, hexRows, toHexStream } from './model.ts';
import './inspector.css';

function formatSeconds(ns: number): string {
  return (ns / 1e9).toFixed(6);
}

export default function InspectorView() {
  const { engine } = useLabContext();
  const run = useLab((s) => s.run);
  const uid = useLab((s) => s.selection.packet);
  const state = usePacketDetail(engine, run, uid);

  let body: ReactNode;
  switch (state.status) {
    case 'none':
      body = <p className="ss-inspector-empty">No packet selected. Select a packet in the topology, ladder or event list to inspect its fields and bytes.</p>;
      break;
    case 'no-engine':
      body = <p className="ss-inspector-empty">Frame #{state.uid}: the engine is not running, so its bytes cannot be read.</p>;
      break;
    case 'loading':
      body = (
        <p className="ss-inspector-empty" role="status">
          Loading frame #{state.uid}…
        </p>
      );
      break;
    case 'error':
      body = (
        <p className="ss-inspector-empty ss-inspector-error-text" role="alert">
          Frame #{state.uid} could not be read: {state.message}
        </p>
      );
      break;
    case 'ready':
      body = <PacketPane detail={state.detail} />;
      break;
  }
  return (
    <div className="ss-inspector">
      {body}
    </div>
  );
}

type CopyState = 'idle' | 'copied' | 'failed';

function PacketPane({ detail }: { detail: PacketDetail }) {
  const trace = useTrace();
  const select = useLab((s) => s.select);
  const layers = detail.fields;
  const bytes = detail.bytes;
  const baseId = useId();

  // Expansion and selection persist across packets by path id ("ipv4/ipv4.ttl"), so stepping
  // from hop to hop keeps the same field open and selected, as in Wireshark.
  const [expanded, setExpanded] = useState<ReadonlySet<FieldId>>(() => new Set());
  const [selectedId, setSelectedId] = useState<FieldId | null>(null);
  const [focusedId, setFocusedId] = useState<FieldId | null>(null);
  const [activeByte, setActiveByte] = useState(0);
  const [copy, setCopy] = useState<CopyState>('idle');

  // A new packet: open the path to every problem so errors are visible without digging.
  const [openedFor, setOpenedFor] = useState<PacketDetail | null>(null);
  if (openedFor !== detail) {
    setOpenedFor(detail);
    const errs = errorPaths(layers);
    if (errs.size) setExpanded((prev) => new Set([...prev, ...errs]));
    if (activeByte >= bytes.length) setActiveByte(0);
  }

  const rows = useMemo(() => flattenFields(layers, expanded), [layers, expanded]);
  const selected = useMemo(() => fieldById(layers, selectedId), [layers, selectedId]);
  const errors = useMemo(() => collectErrors(layers), [layers]);
  const hex = useMemo(() => hexRows(bytes), [bytes]);
  const described = useMemo(() => layers.reduce((m, l) => Math.max(m, maxEnd(l)), 0), [layers]);
  const errorBytes = useMemo(() => {
    const set = new Set<number>();
    for (const e of errors) for (let o = e.node.start; o < Math.min(e.node.end, bytes.length); o++) set.add(o);
    return set;
  }, [errors, bytes.length]);

  const focusRowId = focusedId !== null && rows.some((r) => r.id === focusedId) ? focusedId : (rows.find((r) => r.id === selectedId)?.id ?? rows[0]?.id ?? null);

  const treeRef = useRef<HTMLDivElement>(null);
  const hexRef = useRef<HTMLDivElement>(null);
  const rowDomId = (id: FieldId): string => `${baseId}-f-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

  const focusTreeRow = useCallback((id: FieldId) => {
    setFocusedId(id);
    requestAnimationFrame(() => {
      const el = treeRef.current?.querySelector<HTMLElement>(`[data-field-id="${CSS.escape(id)}"]`);
      el?.focus();
    });
  }, []);

  const selectField = useCallback(
    (id: FieldId | null, opts: { revealInTree?: boolean } = {}) => {
      setSelectedId(id);
      if (id === null) return;
      setFocusedId(id);
      if (opts.revealInTree) setExpanded((prev) => new Set([...prev, ...ancestorIds(id)]));
      const node = fieldById(layers, id);
      if (node && node.end > node.start) {
        // Bring the field's first byte into view in the hex dump without moving focus.
        requestAnimationFrame(() => hexRef.current?.querySelector<HTMLElement>(`[data-offset="${node.start}"]`)?.scrollIntoView({ block: 'nearest' }));
      }
      if (opts.revealInTree) requestAnimationFrame(() => treeRef.current?.querySelector<HTMLElement>(`[data-field-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'nearest' }));
    },
    [layers],
  );

  const toggle = useCallback((id: FieldId, open?: boolean) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      const isOpen = next.has(id);
      if (open ?? !isOpen) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);

  const onTreeKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const idx = rows.findIndex((r) => r.id === focusRowId);
    const row = rows[idx];
    if (!row) return;
    let handled = true;
    switch (e.key) {
      case 'ArrowDown':
        if (rows[idx + 1]) focusTreeRow(rows[idx + 1]!.id);
        break;
      case 'ArrowUp':
        if (idx > 0) focusTreeRow(rows[idx - 1]!.id);
        break;
      case 'Home':
        focusTreeRow(rows[0]!.id);
        break;
      case 'End':
        focusTreeRow(rows[rows.length - 1]!.id);
        break;
      case 'ArrowRight':
        if (row.hasChildren && !row.expanded) toggle(row.id, true);
        else if (row.hasChildren && rows[idx + 1]) focusTreeRow(rows[idx + 1]!.id);
        break;
      case 'ArrowLeft':
        if (row.hasChildren && row.expanded) toggle(row.id, false);
        else if (row.parentId !== null) focusTreeRow(row.parentId);
        break;
      case 'Enter':
      case ' ':
        selectField(row.id);
        break;
      case '*': {
        // Expand all siblings (WAI-ARIA tree pattern).
        const sibs = rows.filter((r) => r.parentId === row.parentId && r.hasChildren).map((r) => r.id);
        setExpanded((prev) => new Set([...prev, ...sibs]));
        break;
      }
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  };

  const selectByte = useCallback(
    (offset: number, focus: boolean) => {
      const o = Math.max(0, Math.min(bytes.length - 1, offset));
      setActiveByte(o);
      const hit = fieldAtByte(layers, o);
      selectField(hit ? hit.id : null, { revealInTree: true });
      if (focus) {
        requestAnimationFrame(() => {
          const el = hexRef.current?.querySelector<HTMLElement>(`[data-offset="${o}"]`);
          el?.focus();
        });
      }
    },
    [bytes.length, layers, selectField],
  );

  const onHexKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const delta: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 16, ArrowUp: -16, PageDown: 128, PageUp: -128 };
    let target: number | null = null;
    if (e.key in delta) target = activeByte + delta[e.key]!;
    else if (e.key === 'Home') target = e.ctrlKey ? 0 : activeByte - (activeByte % 16);
    else if (e.key === 'End') target = e.ctrlKey ? bytes.length - 1 : Math.min(bytes.length - 1, activeByte - (activeByte % 16) + 15);
    else if (e.key === 'Enter' || e.key === ' ') target = activeByte;
    if (target === null) return;
    e.preventDefault();
    selectByte(target, true);
  };

  const doCopy = async () => {
    try {
      await navigator.clipboard.writeText(toHexStream(bytes));
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
    setTimeout(() => setCopy('idle'), 2000);
  };

  const createdNs = detail.createdNs;
  const parent = detail.parent;
  const origin = parent >= 0 && detail.uid < trace.packetCount ? trace.packetOrigin(detail.uid) : -1;
  const selStart = selected ? selected.start : -1;
  const selEnd = selected ? Math.min(selected.end, bytes.length) : -1;

  return (
    <div className="ss-inspector-pane">
      <header className="ss-inspector-header">
        <h3 className="ss-inspector-title">
          Frame #{detail.uid}: {bytes.length} bytes at {formatSeconds(createdNs)} s
        </h3>
        <p className="ss-inspector-summary">{detail.summary}</p>
        {errors.length > 0 && (
          <p className="ss-inspector-problems" role="note">
            <span aria-hidden="true">⚠ </span>
            {errors.length === 1 ? '1 problem: ' : `${errors.length} problems: `}
            {errors.map((e, i) => (
              <span key={e.id}>
                {i > 0 && '; '}
                <button type="button" className="ss-inspector-link" onClick={() => selectField(e.id, { revealInTree: true })}>
                  {e.node.error}
                </button>
              </span>
            ))}
          </p>
        )}
        <div className="ss-inspector-toolbar">
          <button type="button" className="ss-inspector-button" onClick={() => void doCopy()}>
            {copy === 'copied' ? 'Copied' : copy === 'failed' ? 'Copy failed' : 'Copy as hex'}
          </button>
          {parent >= 0 && (
            <button type="button" className="ss-inspector-button" onClick={() => select({ packet: parent })} title="The frame this one was rewritten from (previous hop or NAT)">
              Previous hop: frame #{parent}
            </button>
          )}
          {origin >= 0 && origin !== parent && (
            <button type="button" className="ss-inspector-button" onClick={() => select({ packet: origin })}>
              Original: frame #{origin}
            </button>
          )}
          <span className="ss-inspector-sr" role="status">
            {copy === 'copied' ? 'Frame bytes copied to the clipboard as hex.' : copy === 'failed' ? 'Could not copy to the clipboard.' : ''}
          </span>
        </div>
      </header>

      <div className="ss-inspector-body">
        <div className="ss-inspector-tree" role="tree" aria-label="Packet fields" ref={treeRef} onKeyDown={onTreeKey}>
          {rows.map((row) => (
            <TreeRow
              key={row.id}
              row={row}
              domId={rowDomId(row.id)}
              selected={row.id === selectedId}
              focusable={row.id === focusRowId}
              onSelect={selectField}
              onToggle={toggle}
              onFocusRow={setFocusedId}
            />
          ))}
        </div>

        <FieldDetails field={selected} bytes={bytes} />

        <div className="ss-inspector-hex" role="grid" aria-label="Packet bytes" aria-rowcount={hex.length} aria-colcount={16} ref={hexRef} onKeyDown={onHexKey}>
          {hex.map((r) => {
            const rowEnd = r.offset + r.bytes.length;
            const hiStart = Math.max(selStart, r.offset);
            const hiEnd = Math.min(selEnd, rowEnd);
            return (
              <HexRowView
                key={r.offset}
                row={r}
                hiStart={hiEnd > hiStart ? hiStart : -1}
                hiEnd={hiEnd > hiStart ? hiEnd : -1}
                active={activeByte >= r.offset && activeByte < rowEnd ? activeByte : -1}
                errorMask={rowErrorMask(errorBytes, r)}
                undescribedFrom={described < rowEnd ? Math.max(described, r.offset) : -1}
                onByte={selectByte}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

function maxEnd(n: FieldNode): number {
  return (n.children ?? []).reduce((m, c) => Math.max(m, maxEnd(c)), n.end);
}

/** Bit i set = byte r.offset + i is inside a field with an error (a string key keeps HexRowView memo-able). */
function rowErrorMask(errorBytes: ReadonlySet<number>, r: HexRow): string {
  if (errorBytes.size === 0) return '';
  let s = '';
  for (let i = 0; i < r.bytes.length; i++) s += errorBytes.has(r.offset + i) ? '1' : '0';
  return s.includes('1') ? s : '';
}

interface TreeRowProps {
  row: FieldRow;
  domId: string;
  selected: boolean;
  focusable: boolean;
  onSelect: (id: FieldId) => void;
  onToggle: (id: FieldId) => void;
  onFocusRow: (id: FieldId) => void;
}

const TreeRow = memo(function TreeRow({ row, domId, selected, focusable, onSelect, onToggle, onFocusRow }: TreeRowProps) {
  const n = row.node;
  const flagged = row.error !== undefined;
  return (
    <div
      id={domId}
      role="treeitem"
      data-field-id={row.id}
      aria-level={row.level}
      aria-posinset={row.posInSet}
      aria-setsize={row.setSize}
      aria-selected={selected}
      aria-expanded={row.hasChildren ? row.expanded : undefined}
      aria-invalid={flagged || undefined}
      tabIndex={focusable ? 0 : -1}
      className={`ss-inspector-item${selected ? ' ss-inspector-item-selected' : ''}${flagged ? ' ss-inspector-item-error' : ''}`}
      style={{ paddingInlineStart: `calc(${row.level - 1} * 1.1em + 0.25em)` }}
      onClick={() => onSelect(row.id)}
      onDoubleClick={() => row.hasChildren && onToggle(row.id)}
      onFocus={() => onFocusRow(row.id)}
    >
      <span
        className="ss-inspector-twisty"
        aria-hidden="true"
        onClick={(e) => {
          if (!row.hasChildren) return;
          e.stopPropagation();
          onToggle(row.id);
        }}
      >
        {row.hasChildren ? (row.expanded ? '▾' : '▸') : ''}
      </span>
      <span className="ss-inspector-name">{n.name}</span>
      <span className="ss-inspector-sep">:{'\u00a0'}</span>
      <span className="ss-inspector-value">{n.value}</span>
      {flagged && (
        <span className="ss-inspector-badge">
          <span aria-hidden="true">⚠</span> {row.error}
        </span>
      )}
      {!flagged && row.hiddenError && (
        <span className="ss-inspector-badge" title="A field inside has a problem">
          <span aria-hidden="true">⚠</span>
          <span className="ss-inspector-sr"> contains a problem</span>
        </span>
      )}
    </div>
  );
});

function FieldDetails({ field, bytes }: { field: FieldNode | undefined; bytes: Uint8Array }) {
  if (!field) {
    return (
      <p className="ss-inspector-details ss-inspector-details-empty" aria-live="polite">
        Select a field (Enter or click) or a byte to see what it means and where it is defined.
      </p>
    );
  }
  const bits = bitPattern(bytes, field);
  return (
    <div className="ss-inspector-details" aria-live="polite" aria-label="Field details">
      <p className="ss-inspector-details-line">
        <strong>{field.name}</strong>: {field.value} <span className="ss-inspector-muted">({describeRange(field)}</span>
        {bits !== null && (
          <span className="ss-inspector-muted">
            , bits <code className="ss-inspector-bits">{bits}</code>
          </span>
        )}
        <span className="ss-inspector-muted">)</span>
        {field.rfc && <span className="ss-inspector-rfc"> · {field.rfc}</span>}
      </p>
      {field.meaning && <p className="ss-inspector-meaning">{field.meaning}</p>}
      {field.error && (
        <p className="ss-inspector-error-text">
          <span aria-hidden="true">⚠ </span>
          <strong>Problem:</strong> {field.error}
        </p>
      )}
    </div>
  );
}

interface HexRowProps {
  row: HexRow;
  hiStart: number;
  hiEnd: number;
  active: number;
  errorMask: string;
  undescribedFrom: number;
  onByte: (offset: number, focus: boolean) => void;
}

const HexRowView = memo(function HexRowView({ row, hiStart, hiEnd, active, errorMask, undescribedFrom, onByte }: HexRowProps) {
  const cls = (o: number, i: number): string => {
    let c = '';
    if (o >= hiStart && o < hiEnd) c += ' ss-inspector-hl';
    if (errorMask[i] === '1') c += ' ss-inspector-byte-error';
    if (undescribedFrom >= 0 && o >= undescribedFrom) c += ' ss-inspector-byte-undescribed';
    return c;
  };
  return (
    <div className="ss-inspector-hexrow" role="row" aria-rowindex={row.offset / 16 + 1}>
      <span className="ss-inspector-offset" role="rowheader">
        {row.label}
      </span>
      <span className="ss-inspector-hexbytes">
        {row.hex.map((h, i) => {
          const o = row.offset + i;
          return (
            <span
              key={i}
              role="gridcell"
              aria-colindex={i + 1}
              aria-selected={o >= hiStart && o < hiEnd}
              aria-label={`offset ${o}: 0x${h}`}
              data-offset={o}
              tabIndex={o === active ? 0 : -1}
              className={`ss-inspector-byte${i === 8 ? ' ss-inspector-byte-gap' : ''}${cls(o, i)}`}
              onFocus={() => onByte(o, false)}
              onClick={(e) => e.currentTarget.focus()}
            >
              {h}
            </span>
          );
        })}
      </span>
      <span className="ss-inspector-ascii" aria-hidden="true">
        {row.ascii.map((a, i) => {
          const o = row.offset + i;
          return (
            <span key={i} className={`ss-inspector-char${cls(o, i)}`} onClick={() => onByte(o, true)}>
              {a}
            </span>
          );
        })}
      </span>
    </div>
  );
});
