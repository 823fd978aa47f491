/**
 * Layers (encapsulation) view for the selected packet: the sender wraps L7→L2, each hop unwraps
 * as far as that device reads (switch L2, router L3 and rewraps with new MACs and TTL, NAT also
 * L4), the receiver unwraps L2→L7. Steps through the hops with buttons and arrow keys; header
 * blocks show their main fields and sizes from the engine's field tree. OSI or TCP/IP labels.
 *
 * Thin shell over ./model.ts (pure: hop sequence, layer rows, field changes).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { FieldNode } from '../../../engine/index.ts';
import type { PacketDetail } from '../../../worker/protocol.ts';
import { useLab, useLabContext, useTrace } from '../../lab/context.ts';
import type { EngineClient } from '../../runner/engine-client.ts';
import { formatDuration } from '../topology/format.ts';
import { describeStep, fieldChanges, hopSequence, layerStack } from './model.ts';
import type { FieldChange, HopSequence, HopStep, LayerLabels, LayerRow } from './model.ts';
import './layers.css';

const ACTION_TEXT: Record<HopStep['action'], string> = {
  send: 'sends',
  switch: 'switch · L2',
  route: 'router · L3',
  nat: 'NAT · L4',
  receive: 'receives',
  drop: '✕ dropped',
  'in-flight': 'in flight…',
};

const detailCaches = new WeakMap<object, Map<number, PacketDetail>>();

/** Packet details (field trees) for a few uids, cached per run. */
function usePacketDetails(engine: EngineClient | null, run: object | null, uids: readonly number[]): ReadonlyMap<number, PacketDetail> {
  const [, setVersion] = useState(0);
  let cache = run ? detailCaches.get(run) : undefined;
  if (run && !cache) {
    cache = new Map();
    detailCaches.set(run, cache);
  }
  const key = uids.join(',');
  useEffect(() => {
    if (!cache || !engine || !engine.running) return;
    const missing = uids.filter((u) => u >= 0 && !cache.has(u));
    if (missing.length === 0) return;
    let cancelled = false;
    Promise.all(missing.map((u) => engine.api.packet(u).catch(() => null))).then((details) => {
      details.forEach((d) => {
        if (d) cache.set(d.uid, d);
      });
      if (cache.size > 512) for (const k of [...cache.keys()].slice(0, cache.size - 512)) cache.delete(k);
      if (!cancelled) setVersion((v) => v + 1);
    });
    return () => {
      cancelled = true;
    };
    // `key` stands for `uids`.
  }, [engine, cache, key]);
  return cache ?? new Map();
}

export default function LayersView() {
  const { engine, store } = useLabContext();
  const trace = useTrace();
  const topology = useLab((s) => s.topology);
  const run = useLab((s) => s.run);
  const selected = useLab((s) => s.selection.packet);
  const labels = useLab((s) => s.layerLabels);
  const set = useLab((s) => s.set);
  const traceVersion = useLab((s) => s.traceVersion);

  // The hop sequence; recomputed as the trace grows only while the packet is still travelling.
  const seqRef = useRef<{ key: string; seq: HopSequence | null } | null>(null);
  const seqKey = `${selected}/${topology ? 1 : 0}`;
  let seq: HopSequence | null = null;
  if (seqRef.current && seqRef.current.key === seqKey && (seqRef.current.seq?.complete || selected === null)) seq = seqRef.current.seq;
  else if (topology && selected !== null && selected < trace.packetCount) {
    seq = hopSequence(trace, topology, selected);
    seqRef.current = { key: seqKey, seq };
  } else {
    seqRef.current = null;
  }
  void traceVersion;

  const origin = seq?.origin ?? null;
  const [step, setStep] = useState(0);
  // On a new selection, start at the hop where the packet is at the cursor.
  const lastOrigin = useRef<number | null>(null);
  useEffect(() => {
    if (origin === lastOrigin.current) return;
    lastOrigin.current = origin;
    if (!seq) return;
    const cursorNs = store.getState().cursorNs;
    let at = 0;
    seq.steps.forEach((s, i) => {
      const t = s.tIn ?? s.tOut;
      if (t !== null && t <= cursorNs) at = i;
    });
    setStep(at);
  }, [origin, seq, store]);

  const steps = seq?.steps ?? [];
  const current = steps[Math.min(step, steps.length - 1)];
  const showUid = current ? (current.action === 'send' || current.action === 'switch' || current.action === 'route' || current.action === 'nat' ? current.outUid : current.inUid) : null;
  const uids = useMemo(() => [current?.inUid, current?.outUid].filter((u): u is number => u !== null && u !== undefined), [current]);
  const details = usePacketDetails(engine, run, uids);
  const shown = showUid !== null ? details.get(showUid) : undefined;
  const before = current?.inUid !== null && current?.inUid !== undefined ? details.get(current.inUid) : undefined;
  const after = current?.outUid !== null && current?.outUid !== undefined ? details.get(current.outUid) : undefined;
  const changes = useMemo(() => (before && after && before.uid !== after.uid ? fieldChanges(before.fields, after.fields) : []), [before, after]);

  const go = (i: number) => setStep(Math.max(0, Math.min(steps.length - 1, i)));
  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.target as HTMLElement).closest('input, select, textarea')) return;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') go(step + 1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') go(step - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(steps.length - 1);
    else return;
    e.preventDefault();
  };

  const labelToggle = (
    <fieldset className="ss-layers-labels">
      <legend>Layer model</legend>
      {(['osi', 'tcpip'] as const).map((v) => (
        <label key={v}>
          <input type="radio" name="ss-layers-labels" value={v} checked={labels === v} onChange={() => set({ layerLabels: v })} />
          {v === 'osi' ? 'OSI (7)' : 'TCP/IP (4)'}
        </label>
      ))}
    </fieldset>
  );

  if (selected === null || !topology) {
    return (
      <div className="ss-layers">
        <div className="ss-layers-toolbar">{labelToggle}</div>
        <p className="ss-layers-empty">Select a packet (in the topology, ladder or event list) to see how it is wrapped and unwrapped layer by layer along its path.</p>
      </div>
    );
  }
  if (!seq || steps.length === 0) {
    return (
      <div className="ss-layers">
        <div className="ss-layers-toolbar">{labelToggle}</div>
        <p className="ss-layers-empty">Frame #{selected} has not been sent on any link.</p>
      </div>
    );
  }

  return (
    <div className="ss-layers" onKeyDown={onKeyDown} data-own-keys="">
      <div className="ss-layers-toolbar">
        {labelToggle}
        <div className="ss-layers-stepper" role="group" aria-label="Hop">
          <button type="button" onClick={() => go(step - 1)} disabled={step <= 0} aria-label="Previous hop">
            ◀ Prev
          </button>
          <span aria-live="polite">
            Hop {step + 1} of {steps.length}
          </span>
          <button type="button" onClick={() => go(step + 1)} disabled={step >= steps.length - 1} aria-label="Next hop">
            Next ▶
          </button>
        </div>
      </div>
      <ol className="ss-layers-hops" aria-label="Path of the packet">
        {steps.map((s, i) => (
          <li key={i}>
            <button type="button" className={`ss-layers-hop ss-layers-hop-${s.action}`} aria-current={i === step ? 'step' : undefined} onClick={() => go(i)}>
              <span className="ss-layers-hop-name">{s.name}</span>
              <span className="ss-layers-hop-action">{ACTION_TEXT[s.action]}</span>
            </button>
          </li>
        ))}
      </ol>
      {current && <StepPanel key={`${origin}/${step}`} step={current} labels={labels} detail={shown} changes={changes} prev={steps[step - 1]} />}
    </div>
  );
}

function StepPanel(props: { step: HopStep; labels: LayerLabels; detail: PacketDetail | undefined; changes: readonly FieldChange[]; prev: HopStep | undefined }) {
  const { step, labels, detail, changes, prev } = props;
  const uid = step.action === 'send' || step.action === 'switch' || step.action === 'route' || step.action === 'nat' ? step.outUid : step.inUid;
  const rows = useMemo(() => (detail ? layerStack(detail.fields as FieldNode[], labels, detail.bytes.length, step.wireBytes) : null), [detail, labels, step.wireBytes]);
  const maxOsi = useMemo(() => (rows ? Math.max(...rows.filter((r) => r.blocks.length > 0).flatMap((r) => r.osi)) : 7), [rows]);
  const depth = step.action === 'receive' || step.action === 'send' ? maxOsi : step.depth;
  const direction = step.action === 'send' ? 'wrap' : step.action === 'receive' ? 'unwrap' : step.action === 'drop' || step.action === 'in-flight' ? 'none' : 'reread';
  const changed = new Set(changes.map((c) => c.key));
  const transit = step.tIn !== null && prev && (prev.tOut ?? prev.tIn) !== null ? step.tIn - (prev.tOut ?? prev.tIn!) : null;

  return (
    <section className="ss-layers-step" aria-label={`${step.name}: ${ACTION_TEXT[step.action]}`}>
      <p className="ss-layers-caption">
        {describeStep(step, labels)}
        {transit !== null && transit > 0 ? ` (${formatDuration(transit)} after the previous hop sent it.)` : ''}
      </p>
      {changes.length > 0 && (
        <ul className="ss-layers-changes" aria-label="Fields rewritten here">
          {changes.map((c) => (
            <li key={c.layer + c.key}>
              <strong>{c.name}</strong>: {c.from} → {c.to}
            </li>
          ))}
        </ul>
      )}
      {!rows ? (
        <p className="ss-layers-empty" role="status">
          {uid === null ? 'No frame here.' : 'Loading frame #' + uid + '…'}
        </p>
      ) : (
        <ol className={`ss-layers-stack ss-layers-${direction}`} aria-label={`Layers of frame #${uid}`}>
          {rows.map((r, i) => (
            <Row key={r.label} row={r} index={direction === 'unwrap' ? rows.length - 1 - i : i} read={Math.min(...r.osi) <= depth} changed={changed} dropHere={step.action === 'drop' && Math.max(...r.osi) >= Math.min(depth, 3) && Math.min(...r.osi) <= depth} />
          ))}
        </ol>
      )}
      {step.reason && <p className="ss-layers-drop">✕ {step.reason}</p>}
    </section>
  );
}

function Row(props: { row: LayerRow; index: number; read: boolean; changed: ReadonlySet<string>; dropHere: boolean }) {
  const { row, index, read, changed } = props;
  const headerBytes = row.blocks.reduce((s, b) => s + b.bytes, 0);
  const payload = Math.max(0, row.pduBytes - headerBytes);
  const empty = row.blocks.length === 0;
  return (
    <li className={`ss-layers-row${read ? ' is-read' : ' is-sealed'}${empty ? ' is-empty' : ''}`} style={{ ['--i' as string]: index }}>
      <div className="ss-layers-rowlabel">
        <span className="ss-layers-rowtag">{row.label}</span>
        {row.label !== row.name && <span className="ss-layers-rowname">{row.name}</span>}
        {!empty && <span className="ss-layers-state">{read ? 'read here' : 'not read here'}</span>}
        {row.pduBytes > 0 && <span className="ss-layers-size">{`${row.pduBytes} B ${row.pduName}`}</span>}
      </div>
      <div className="ss-layers-pdu">
        {empty ? (
          <span className="ss-layers-none">{row.osi.includes(5) || row.osi.includes(6) ? 'no separate header (part of the application)' : 'no header at this layer'}</span>
        ) : (
          row.blocks.map((b) => (
            <div key={b.key} className="ss-layers-block">
              <div className="ss-layers-blockhead">
                <span>{b.name}</span>
                <span className="ss-layers-bytes">{b.bytes} B</span>
              </div>
              {read && b.fields.length > 0 && (
                <dl>
                  {b.fields.map((f) => (
                    <div key={f.key} className={changed.has(f.key) ? 'is-changed' : undefined}>
                      <dt>{f.name}</dt>
                      <dd>
                        {f.value}
                        {changed.has(f.key) && <span className="ss-layers-badge"> rewritten</span>}
                      </dd>
                    </div>
                  ))}
                </dl>
              )}
            </div>
          ))
        )}
        {!empty && payload > 0 && (
          <div className="ss-layers-payload" aria-label={`${payload} bytes from the layer above`}>
            {payload} B {row.osi.includes(7) ? 'payload' : 'from above'}
          </div>
        )}
      </div>
    </li>
  );
}
