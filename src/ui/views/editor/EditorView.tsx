/**
 * Scenario editing: fault injection on the selected packet, devices, links (bandwidth, delay,
 * loss, MTU, queue, queue discipline), interface addresses, and the raw JSON. Changes are
 * checked by the engine before they replace the run, so a typo never loses the current one.
 */
import { useEffect, useState } from 'react';
import { useLab, useLabContext } from '../../lab/context.ts';
import type { LabController } from '../../lab/controller.ts';
import { addLink, addNode, removeLink, removeNode, setAddresses, setLinkField } from './draft.ts';
import type { Draft, LinkField } from './draft.ts';
import './editor.css';

const LINK_FIELDS: { field: LinkField; label: string; placeholder: string }[] = [
  { field: 'bandwidth', label: 'Bandwidth', placeholder: '1Gbit' },
  { field: 'delay', label: 'Delay', placeholder: '100us' },
  { field: 'loss', label: 'Loss (0–1)', placeholder: '0' },
  { field: 'queue', label: 'Queue (packets)', placeholder: '100' },
  { field: 'mtu', label: 'MTU', placeholder: 'from interfaces' },
];

export default function EditorView() {
  const lab = useLabContext() as LabController;
  const status = useLab((s) => s.status);
  const run = useLab((s) => s.run);
  const seed = useLab((s) => s.seed);
  const packet = useLab((s) => s.selection.packet);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [json, setJson] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [delayMs, setDelayMs] = useState('100');
  const [linkEnds, setLinkEnds] = useState<[string, string]>(['', '']);

  useEffect(() => {
    if (status !== 'ready' || !lab.engine.running) return;
    void lab.engine.api.scenarioJson().then((j) => {
      setDraft(j as Draft);
      setJson(JSON.stringify(j, null, 2));
    });
  }, [lab, status, run]);

  if (!draft) return <p className="ss-muted ss-editor">Loading the scenario…</p>;

  const edit = (f: (d: Draft) => Draft) => {
    try {
      const next = f(draft);
      setDraft(next);
      setJson(JSON.stringify(next, null, 2));
      setMessage(null);
    } catch (e) {
      setMessage({ text: (e as Error).message, error: true });
    }
  };

  async function apply(next: object, done: string) {
    const problem = await lab.engine.api.validateScenario(next);
    if (problem) {
      setMessage({ text: problem, error: true });
      return;
    }
    const cursor = lab.store.getState().cursorNs;
    // The commands typed so far are replayed at their exact points, so the run is remade as it was.
    if (await lab.load(next, seed, cursor, lab.typed)) setMessage({ text: done, error: false });
  }

  async function fault(action: 'drop' | 'delay' | 'corrupt') {
    if (packet === null) return;
    const ms = Number(delayMs);
    if (action === 'delay' && !(ms > 0)) {
      setMessage({ text: 'Delay must be a positive number of milliseconds', error: true });
      return;
    }
    const r = await lab.engine.api.injectFault(packet, action, Math.round(ms * 1e6));
    if (!r.ok) {
      setMessage({ text: r.error, error: true });
      return;
    }
    await apply(r.scenario, `Added to the scenario: ${r.description}. The run was remade from the start with the same seed.`);
  }

  function applyJson() {
    let obj: unknown;
    try {
      obj = JSON.parse(json);
    } catch (e) {
      setMessage({ text: `JSON: ${(e as Error).message}`, error: true });
      return;
    }
    if (!obj || typeof obj !== 'object') {
      setMessage({ text: 'JSON: a scenario is an object', error: true });
      return;
    }
    void apply(obj, 'Scenario applied.');
  }

  const names = draft.nodes.map((n) => n.name);
  return (
    <div className="ss-editor">
      {message && (
        <p role={message.error ? 'alert' : 'status'} className={message.error ? 'ss-editor-error' : 'ss-editor-ok'}>
          {message.text}
        </p>
      )}
      <section aria-labelledby="ss-ed-fault">
        <h3 id="ss-ed-fault">Fault on the selected packet</h3>
        {packet === null ? (
          <p className="ss-muted">Select a packet (topology, ladder or event list) to drop, delay or corrupt it where it was sent.</p>
        ) : (
          <div className="ss-editor-row">
            <span>Packet #{packet}:</span>
            <button type="button" onClick={() => void fault('drop')}>
              Drop it here
            </button>
            <button type="button" onClick={() => void fault('corrupt')}>
              Corrupt it here
            </button>
            <label>
              <input type="number" min={1} value={delayMs} onChange={(e) => setDelayMs(e.target.value)} className="ss-editor-num" aria-label="Delay in milliseconds" /> ms
            </label>
            <button type="button" onClick={() => void fault('delay')}>
              Delay it here
            </button>
          </div>
        )}
      </section>

      <section aria-labelledby="ss-ed-links">
        <h3 id="ss-ed-links">Links</h3>
        <table className="ss-editor-table">
          <thead>
            <tr>
              <th scope="col">Ends</th>
              {LINK_FIELDS.map((f) => (
                <th key={f.field} scope="col">
                  {f.label}
                </th>
              ))}
              <th scope="col">Queue discipline</th>
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {draft.links.map((l, i) => (
              <tr key={`${l.a}-${l.b}`}>
                <th scope="row">
                  {l.a} — {l.b}
                </th>
                {LINK_FIELDS.map((f) => (
                  <td key={f.field}>
                    <input
                      value={l[f.field] === undefined ? '' : String(l[f.field])}
                      placeholder={f.placeholder}
                      aria-label={`${f.label} of ${l.a} — ${l.b}`}
                      onChange={(e) => edit((d) => setLinkField(d, i, f.field, e.target.value))}
                    />
                  </td>
                ))}
                <td>
                  <select value={l.qdisc ?? 'droptail'} aria-label={`Queue discipline of ${l.a} — ${l.b}`} onChange={(e) => edit((d) => setLinkField(d, i, 'qdisc', e.target.value))}>
                    <option value="droptail">drop-tail</option>
                    <option value="codel">CoDel</option>
                    <option value="fq_codel">fq_codel</option>
                  </select>
                </td>
                <td>
                  <button type="button" onClick={() => edit((d) => removeLink(d, i))} aria-label={`Remove link ${l.a} — ${l.b}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="ss-editor-row">
          <label>
            Connect{' '}
            <select value={linkEnds[0]} onChange={(e) => setLinkEnds([e.target.value, linkEnds[1]])}>
              <option value="">device…</option>
              {names.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
          <label>
            to{' '}
            <select value={linkEnds[1]} onChange={(e) => setLinkEnds([linkEnds[0], e.target.value])}>
              <option value="">device…</option>
              {names.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
          <button type="button" disabled={!linkEnds[0] || !linkEnds[1]} onClick={() => edit((d) => addLink(d, linkEnds[0], linkEnds[1]))}>
            Add link
          </button>
        </div>
      </section>

      <section aria-labelledby="ss-ed-nodes">
        <h3 id="ss-ed-nodes">Devices and addresses</h3>
        <ul className="ss-editor-nodes">
          {draft.nodes.map((n) => (
            <li key={n.name}>
              <strong>{n.name}</strong> <span className="ss-muted">{n.kind}</span>{' '}
              <button type="button" onClick={() => edit((d) => removeNode(d, n.name))} aria-label={`Remove ${n.name}`}>
                Remove
              </button>
              {(n.interfaces ?? []).map((i) => (
                <label key={i.name} className="ss-editor-iface">
                  {i.name}{' '}
                  <input
                    defaultValue={[...(i.ipv4 ?? []), ...(i.ipv6 ?? [])].join(', ')}
                    aria-label={`Addresses of ${n.name} ${i.name}`}
                    placeholder="10.0.0.1/24, 2001:db8::1/64"
                    onBlur={(e) => edit((d) => setAddresses(d, n.name, i.name, e.target.value))}
                  />
                </label>
              ))}
            </li>
          ))}
        </ul>
        <div className="ss-editor-row">
          <button type="button" onClick={() => edit((d) => addNode(d, 'host'))}>
            Add host
          </button>
          <button type="button" onClick={() => edit((d) => addNode(d, 'router'))}>
            Add router
          </button>
          <button type="button" onClick={() => edit((d) => addNode(d, 'switch'))}>
            Add switch
          </button>
        </div>
      </section>

      <div className="ss-editor-row ss-editor-apply">
        <button type="button" className="ss-editor-primary" onClick={() => void apply(draft, 'Scenario applied: the run was remade with your changes.')}>
          Apply changes
        </button>
      </div>

      <details>
        <summary>Scenario JSON</summary>
        <textarea className="ss-editor-json" value={json} onChange={(e) => setJson(e.target.value)} spellCheck={false} aria-label="Scenario JSON" />
        <button type="button" onClick={applyJson}>
          Apply JSON
        </button>
      </details>
    </div>
  );
}
