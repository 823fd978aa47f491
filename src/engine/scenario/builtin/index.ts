import type { ScenarioInput } from '../schema.ts';
import { lan } from './lan.ts';
import { routed } from './routed.ts';
import { dualStack } from './dual-stack.ts';
import { pmtud, pmtudBlackhole } from './pmtud.ts';
import { bufferbloatDropTail, bufferbloatFqCodel, lossyLongFat, tcpBulk } from './tcp.ts';
import { churn, nagle } from './pitfalls.ts';
import { tcpFastOpen } from './fastopen.ts';
import { dns } from './dns.ts';

/** Built-in scenarios, in catalogue order. */
export const BUILTIN_SCENARIOS: readonly ScenarioInput[] = [lan, routed, dualStack, pmtud, pmtudBlackhole, tcpBulk, lossyLongFat, bufferbloatDropTail, bufferbloatFqCodel, nagle, churn, tcpFastOpen, dns];

export function builtinScenario(name: string): ScenarioInput | undefined {
  return BUILTIN_SCENARIOS.find((s) => s.name === name);
}
