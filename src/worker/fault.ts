/**
 * Per-packet fault injection from the UI, saved into the scenario so the run stays
 * reproducible: "drop (delay, corrupt) this packet at this hop" becomes a link fault rule
 * matching the packet's addresses/ports and counting matching frames sent by the same node
 * on the same link (the rule's `nth`). The caller reloads it with the same typed commands
 * (replayed at their exact points), so the packet exists again when the run is remade.
 */
import { KIND_ID, classifyFrame, matchesPacket } from '../engine/index.ts';
import type { Scenario, Session } from '../engine/index.ts';

export type FaultAction = 'drop' | 'delay' | 'corrupt';

const MATCH_PROTOCOLS = new Set(['arp', 'ipv4', 'ipv6', 'icmp', 'icmpv6', 'udp', 'tcp']);

export function faultScenario(session: Session, uid: number, action: FaultAction, delayNs = 100e6, linkId?: number): { scenario: Scenario; description: string } {
  const world = session.world;
  const ev = world.trace.events;
  const packets = world.trace.packets;
  const tx = KIND_ID['phy.txBegin'];
  let at = -1;
  for (let i = 0; i < ev.length; i++) {
    if (ev.kindIdAt(i) === tx && ev.pktAt(i) === uid && (linkId === undefined || ev.aAt(i) === linkId)) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new Error(`packet ${uid} was never sent on ${linkId === undefined ? 'a link' : `link ${linkId}`}`);
  const link = ev.aAt(at);
  const iface = ev.get(at).iface;
  const from = world.ifaces[iface]!.node.name;
  const cls = classifyFrame(packets.head(uid));
  type Rule = Scenario['links'][number]['rules'][number];
  const match: { -readonly [K in keyof Rule['match']]: Rule['match'][K] } = {};
  if (MATCH_PROTOCOLS.has(cls.protocol)) match.protocol = cls.protocol as Rule['match']['protocol'];
  if (cls.src !== undefined) match.src = cls.src;
  if (cls.dst !== undefined) match.dst = cls.dst;
  if (cls.srcPort !== undefined) match.srcPort = cls.srcPort;
  if (cls.dstPort !== undefined) match.dstPort = cls.dstPort;
  if (cls.icmpType !== undefined) match.icmpType = cls.icmpType;
  let nth = 0;
  for (let i = 0; i <= at; i++) {
    if (ev.kindIdAt(i) !== tx || ev.aAt(i) !== link || ev.get(i).iface !== iface) continue;
    const p = ev.pktAt(i);
    if (matchesPacket(match, classifyFrame(packets.head(p)), packets.length(p))) nth++;
  }
  const sc = session.scenario;
  const l = sc.links[link];
  if (!l) throw new Error(`link ${link} is not one of the scenario's links`);
  const what = action === 'delay' ? `delay ${delayNs / 1e6} ms` : action;
  const label = `${what} packet ${uid} (${from} → link ${l.a}–${l.b}, match #${nth})`;
  const rule: Rule = { from, match, nth, andAfter: false, action, label, ...(action === 'delay' ? { delay: delayNs } : {}) };
  const links = sc.links.map((x, i) => (i === link ? { ...x, rules: [...x.rules, rule] } : x));
  return { scenario: { ...sc, links }, description: label };
}
