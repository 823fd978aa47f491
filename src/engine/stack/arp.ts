/**
 * ARP (RFC 826) over Ethernet: request/reply, the packet-reception "merge" algorithm, and the
 * neighbour cache (neighbor.ts) with queued packets while resolving.
 */
import type { Ipv4, Mac } from '../wire/addr.ts';
import { MAC_BROADCAST, formatIpv4 } from '../wire/addr.ts';
import { ARP_LEN, ARP_OP, emitArp, parseArp } from '../wire/arp.ts';
import { ETHERTYPE } from '../wire/ethernet.ts';
import type { Frame } from '../net/frame.ts';
import type { Interface } from '../net/iface.ts';
import { NeighborCache, neighborStateName, neighborTimers } from './neighbor.ts';
import type { IpNode } from './host.ts';

export function createArp(node: IpNode): NeighborCache<Ipv4> {
  const w = node.world;
  return new NeighborCache<Ipv4>(
    w,
    {
      key: (iface, addr) => `${iface.id}/${addr}`,
      // Broadcast while resolving; unicast to the cached address when probing a STALE entry.
      solicit: (iface, addr, _attempt, unicastMac) => {
        const src = iface.ipv4[0]?.addr ?? 0;
        sendArp(node, iface, ARP_OP.REQUEST, unicastMac ?? MAC_BROADCAST, { senderMac: iface.mac, senderIp: src, targetMac: 0, targetIp: addr });
        w.trace.emit(w.now, 'arp.tx.request', node.id, iface.id, -1, addr);
      },
      onAdd: (e) => w.trace.emit(w.now, 'arp.cache.add', node.id, e.iface.id, -1, e.addr, e.mac, neighborStateName(e.state)),
      onState: (e) => w.trace.emit(w.now, 'arp.cache.state', node.id, e.iface.id, -1, e.addr, e.mac, neighborStateName(e.state)),
      onExpire: (e) => w.trace.emit(w.now, 'arp.cache.expire', node.id, e.iface.id, -1, e.addr, e.mac),
      onQueue: (iface, addr, queued) => w.trace.emit(w.now, 'arp.queue', node.id, iface.id, -1, addr, queued),
      onFail: (iface, addr, dropped) => {
        w.trace.emit(w.now, 'arp.fail', node.id, iface.id, -1, addr, dropped);
      },
    },
    neighborTimers(node.config),
    w.rng.stream(`host:${node.name}:arp-reachable`),
  );
}

function sendArp(node: IpNode, iface: Interface, op: number, dstMac: Mac, body: { senderMac: Mac; senderIp: Ipv4; targetMac: Mac; targetIp: Ipv4 }): void {
  const pkt = new Uint8Array(ARP_LEN);
  emitArp({ op, ...body }, pkt, 0);
  node.sendFrame(iface, dstMac, ETHERTYPE.ARP, pkt);
}

/** RFC 826 "Packet Reception": merge the sender, then answer requests for our address. */
export function arpInput(node: IpNode, iface: Interface, payload: Uint8Array, frame: Frame, _srcMac: Mac): void {
  const w = node.world;
  const parsed = parseArp(payload);
  if (!parsed.ok) {
    w.trace.emit(w.now, 'eth.rx.drop', node.id, iface.id, frame.uid, 0, 0, `bad ARP: ${parsed.error.message}`);
    return;
  }
  const arp = parsed.value;
  w.trace.emit(w.now, 'arp.rx', node.id, iface.id, frame.uid, arp.op, arp.senderIp);
  const forMe = iface.ipv4.some((a) => a.addr === arp.targetIp);
  // Linux arp_process: a reply addressed to us confirms the sender (REACHABLE); anything else
  // (a request, a gratuitous or overheard reply) only suggests it (STALE, if new or changed).
  const solicited = arp.op === ARP_OP.REPLY && arp.targetMac === iface.mac;
  if (arp.senderIp !== 0) node.arp.learn(iface, arp.senderIp, arp.senderMac, forMe, solicited ? 'solicited' : 'unsolicited');
  if (forMe && arp.op === ARP_OP.REQUEST) {
    sendArp(node, iface, ARP_OP.REPLY, arp.senderMac, { senderMac: iface.mac, senderIp: arp.targetIp, targetMac: arp.senderMac, targetIp: arp.senderIp });
    w.trace.emit(w.now, 'arp.tx.reply', node.id, iface.id, -1, arp.senderIp);
  }
}

/** `arp -n` style table rows for the terminal: every entry with an address, whatever its NUD state. */
export function arpTable(node: IpNode): Array<{ ip: string; mac: number; iface: string }> {
  const rows: Array<{ ip: string; mac: number; iface: string }> = [];
  for (const e of node.arp.entries.values()) if (e.state !== 'incomplete') rows.push({ ip: formatIpv4(e.addr), mac: e.mac, iface: e.iface.name });
  return rows;
}
