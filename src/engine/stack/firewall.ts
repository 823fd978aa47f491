/**
 * A minimal stateless packet filter (think iptables with -j DROP only), enough to model the
 * classic Path MTU black hole (RFC 2923 §2.1): a middlebox that drops all ICMP.
 * Chains follow netfilter: 'input' (to this node), 'forward' (through it), 'output' (from it).
 */
import type { PacketMatch } from '../net/classify.ts';
import { classifyIp, matches } from '../net/classify.ts';

export interface FirewallRule {
  readonly chain: 'input' | 'forward' | 'output';
  readonly match: PacketMatch;
  readonly action: 'drop';
  readonly label: string;
}

/** Index of the first rule in `chain` that drops `packet` (an IP packet), or -1. */
export function firewallVerdict(rules: readonly FirewallRule[], chain: FirewallRule['chain'], packet: Uint8Array): number {
  if (rules.length === 0) return -1;
  const c = classifyIp(packet);
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (r.chain === chain && matches(r.match, c, packet.length)) return i;
  }
  return -1;
}
