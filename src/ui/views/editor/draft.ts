/**
 * Pure edits of a scenario draft (plain JSON as the worker returns it): add and remove
 * devices and links, edit link properties and addresses. Each returns a new object; the
 * engine validates the result before it is loaded.
 */
export interface DraftInterface {
  name: string;
  ipv4?: string[];
  ipv6?: string[];
  [k: string]: unknown;
}
export interface DraftNode {
  name: string;
  kind: 'host' | 'router' | 'switch';
  interfaces?: DraftInterface[];
  ports?: number;
  [k: string]: unknown;
}
export interface DraftLink {
  a: string;
  b: string;
  bandwidth?: string | number;
  delay?: string | number;
  loss?: number;
  queue?: number;
  mtu?: number;
  qdisc?: string;
  rules?: unknown[];
  [k: string]: unknown;
}
export interface Draft {
  name: string;
  nodes: DraftNode[];
  links: DraftLink[];
  actions?: { host: string; [k: string]: unknown }[];
  services?: { host: string; [k: string]: unknown }[];
  examples?: { host: string; [k: string]: unknown }[];
  capture?: string[];
  [k: string]: unknown;
}

export type LinkField = 'bandwidth' | 'delay' | 'loss' | 'queue' | 'mtu' | 'qdisc';

const nodeOf = (endpoint: string) => endpoint.slice(0, endpoint.indexOf(':'));

/** A fresh name like "host3" not used by any node. */
export function freshName(d: Draft, base: string): string {
  for (let i = 1; ; i++) {
    const n = `${base}${i}`;
    if (!d.nodes.some((x) => x.name === n)) return n;
  }
}

export function addNode(d: Draft, kind: DraftNode['kind'], name = freshName(d, kind === 'switch' ? 'sw' : kind === 'router' ? 'r' : 'host')): Draft {
  if (d.nodes.some((x) => x.name === name)) throw new Error(`there is already a device named ${name}`);
  const node: DraftNode = kind === 'switch' ? { name, kind, ports: 8 } : { name, kind, interfaces: [] };
  return { ...d, nodes: [...d.nodes, node] };
}

/** Removes a device, its links, and the commands, captures and examples that used it. */
export function removeNode(d: Draft, name: string): Draft {
  const keep = <T extends { host: string }>(xs: T[] | undefined) => xs?.filter((x) => x.host !== name);
  const out: Draft = {
    ...d,
    nodes: d.nodes.filter((n) => n.name !== name),
    links: d.links.filter((l) => nodeOf(l.a) !== name && nodeOf(l.b) !== name),
  };
  if (d.actions) out.actions = keep(d.actions)!;
  if (d.services) out.services = keep(d.services)!;
  if (d.examples) out.examples = keep(d.examples)!;
  if (d.capture) out.capture = d.capture.filter((c) => nodeOf(c) !== name);
  if (d.defaultHost === name) delete out.defaultHost;
  return out;
}

/** The next free interface of a device: a new ethN on hosts/routers, an unused pN port on switches. */
export function freeEndpoint(d: Draft, nodeName: string): { draft: Draft; endpoint: string } {
  const node = d.nodes.find((n) => n.name === nodeName);
  if (!node) throw new Error(`no device named ${nodeName}`);
  const used = new Set(d.links.flatMap((l) => [l.a, l.b]));
  if (node.kind === 'switch') {
    const ports = node.ports ?? 8;
    for (let p = 1; p <= ports; p++) if (!used.has(`${nodeName}:p${p}`)) return { draft: d, endpoint: `${nodeName}:p${p}` };
    const grown = { ...node, ports: ports + 1 };
    return { draft: { ...d, nodes: d.nodes.map((n) => (n === node ? grown : n)) }, endpoint: `${nodeName}:p${ports + 1}` };
  }
  const ifaces = node.interfaces ?? [];
  const free = ifaces.find((i) => !used.has(`${nodeName}:${i.name}`));
  if (free) return { draft: d, endpoint: `${nodeName}:${free.name}` };
  let k = 0;
  while (ifaces.some((i) => i.name === `eth${k}`)) k++;
  const withIface = { ...node, interfaces: [...ifaces, { name: `eth${k}` }] };
  return { draft: { ...d, nodes: d.nodes.map((n) => (n === node ? withIface : n)) }, endpoint: `${nodeName}:eth${k}` };
}

export function addLink(d: Draft, a: string, b: string): Draft {
  if (a === b) throw new Error('a link needs two different devices');
  const ea = freeEndpoint(d, a);
  const eb = freeEndpoint(ea.draft, b);
  return { ...eb.draft, links: [...eb.draft.links, { a: ea.endpoint, b: eb.endpoint, bandwidth: '100Mbit', delay: '1ms' }] };
}

export function removeLink(d: Draft, index: number): Draft {
  return { ...d, links: d.links.filter((_, i) => i !== index) };
}

/** Sets a link property from form text ("" removes it, falling back to the default). */
export function setLinkField(d: Draft, index: number, field: LinkField, text: string): Draft {
  const link = { ...d.links[index]! };
  const t = text.trim();
  if (t === '') delete link[field];
  else if (field === 'loss' || field === 'queue' || field === 'mtu') link[field] = Number(t);
  else link[field] = t;
  return { ...d, links: d.links.map((l, i) => (i === index ? link : l)) };
}

/** Sets an interface's addresses from comma-separated text ("10.0.0.1/24, 2001:db8::1/64"). */
export function setAddresses(d: Draft, nodeName: string, ifaceName: string, text: string): Draft {
  const list = text.split(/[,\s]+/).filter(Boolean);
  return {
    ...d,
    nodes: d.nodes.map((n) =>
      n.name !== nodeName
        ? n
        : { ...n, interfaces: (n.interfaces ?? []).map((i) => (i.name !== ifaceName ? i : { ...i, ipv4: list.filter((a) => !a.includes(':')), ipv6: list.filter((a) => a.includes(':')) })) },
    ),
  };
}
