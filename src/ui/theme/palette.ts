/**
 * Colour-blind-safe palette (Okabe & Ito, "Color Universal Design") for protocol classes,
 * shared by every canvas/SVG view so a TCP segment has one colour everywhere. Colours are
 * paired with shapes/labels in views: colour is never the only cue.
 */
import type { ProtoClass } from '../../engine/index.ts';

const OKABE_ITO = {
  orange: '#E69F00',
  sky: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  grey: '#999999',
  black: '#000000',
} as const;

/** Colour per protocol class (names from the engine's PROTO_CLASSES, sent in LoadOk.protoClasses). */
const CLASS_COLOUR: Record<ProtoClass, string> = {
  other: OKABE_ITO.grey,
  arp: OKABE_ITO.yellow,
  ipv4: OKABE_ITO.grey,
  ipv6: OKABE_ITO.grey,
  icmp: OKABE_ITO.green,
  icmpv6: OKABE_ITO.green,
  ndp: OKABE_ITO.yellow,
  udp: OKABE_ITO.sky,
  tcp: OKABE_ITO.blue,
  dns: OKABE_ITO.purple,
  tls: OKABE_ITO.vermillion,
  http: OKABE_ITO.orange,
  quic: OKABE_ITO.vermillion,
  bgp: OKABE_ITO.orange,
};

export function protoColour(name: string): string {
  return CLASS_COLOUR[name as ProtoClass] ?? OKABE_ITO.grey;
}

/** Drops and errors: vermillion with a cross glyph in views. */
export const DROP_COLOUR = OKABE_ITO.vermillion;
export const SELECT_COLOUR = OKABE_ITO.orange;
export { OKABE_ITO };
