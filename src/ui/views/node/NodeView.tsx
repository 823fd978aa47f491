/**
 * The selected device as it is at the time cursor: addresses, routing table, neighbour (ARP/
 * NDP) cache, switch MAC table, NAT mappings, path MTUs and TCP connections. Rewinding the
 * cursor shows the tables as they were (the worker rebuilds them from the trace).
 */
import { useEffect, useRef, useState } from 'react';
import { useLab, useLabContext } from '../../lab/context.ts';
import type { NodeState } from '../../../worker/protocol.ts';
import './node.css';

/** Re-query at most this often while the cursor moves during playback. */
const THROTTLE_MS = 150;

export default function NodeView() {
  const lab = useLabContext();
  const topology = useLab((s) => s.topology);
  const selected = useLab((s) => s.selection.node);
  const cursorNs = useLab((s) => s.cursorNs);
  const cursorEvents = useLab((s) => s.cursorEvents);
  const traceVersion = useLab((s) => s.traceVersion);
  const select = useLab((s) => s.select);
  const nodeId = selected ?? topology?.nodes.find((n) => n.kind === 'host')?.id ?? null;
  const [state, setState] = useState<NodeState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const lastQuery = useRef(0);

  useEffect(() => {
    if (nodeId === null || !lab.engine) return undefined;
    let cancelled = false;
    // Throttle (not debounce): during playback the cursor moves every frame, and the tables
    // must still refresh a few times a second.
    const wait = Math.max(0, lastQuery.current + THROTTLE_MS - performance.now());
    const timer = setTimeout(() => {
      lastQuery.current = performance.now();
      lab.engine!.api.nodeState(nodeId, cursorNs, cursorEvents).then(
        (s) => {
          if (!cancelled) {
            setState(s);
            setError(null);
          }
        },
        (e: Error) => !cancelled && setError(e.message),
      );
    }, wait);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [lab, nodeId, cursorNs, cursorEvents, traceVersion]);

  if (!topology) return null;
  return (
    <div className="ss-node">
      <label className="ss-node-pick">
        Device{' '}
        <select value={nodeId ?? ''} onChange={(e) => select({ node: Number(e.target.value) })} aria-label="Device">
          {topology.nodes.map((n) => (
            <option key={n.id} value={n.id}>
              {n.name} ({n.kind})
            </option>
          ))}
        </select>
      </label>
      {error && <p role="alert">{error}</p>}
      {state && state.node === nodeId && <NodeTables s={state} />}
    </div>
  );
}

function Table({ caption, head, rows, empty }: { caption: string; head: string[]; rows: (string | number)[][]; empty: string }) {
  return (
    <table className="ss-node-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={head.length} className="ss-muted">
              {empty}
            </td>
          </tr>
        ) : (
          rows.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j}>{c}</td>
              ))}
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

function NodeTables({ s }: { s: NodeState }) {
  return (
    <div className="ss-node-tables">
      <p className="ss-muted">
        {s.name} at {(s.timeNs / 1e9).toFixed(6)} s{s.running ? ` — running: ${s.running}` : ''}
      </p>
      <Table caption="Interfaces" head={['Interface', 'MAC', 'Addresses']} rows={s.addresses.map((a) => [a.iface, a.mac, a.addresses.join(', ') || '—'])} empty="No interfaces" />
      {s.kind !== 'switch' && <Table caption="Routing table" head={['Route']} rows={s.routes.map((r) => [r])} empty="No routes" />}
      {s.kind !== 'switch' && <Table caption="Neighbour cache (ARP / NDP)" head={['Address', 'MAC', 'Interface', 'State']} rows={s.neighbors.map((n) => [n.ip, n.mac, n.iface, n.state])} empty="Empty: no address resolved yet" />}
      {s.kind === 'switch' && <Table caption="MAC address table" head={['MAC', 'Port']} rows={s.macTable.map((m) => [m.mac, m.port])} empty="Empty: nothing learned yet" />}
      {s.natMappings.length > 0 && <Table caption="NAT mappings" head={['Mapping']} rows={s.natMappings.map((m) => [m])} empty="" />}
      {s.pathMtu.length > 0 && <Table caption="Path MTU cache" head={['Destination', 'MTU']} rows={s.pathMtu.map((p) => [p.destination, p.mtu])} empty="" />}
      {s.kind !== 'switch' && <Table caption="TCP connections" head={['Connection', 'State']} rows={s.sockets.map((k) => [k.connection, k.state])} empty="No TCP connections" />}
    </div>
  );
}
