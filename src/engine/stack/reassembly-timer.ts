/**
 * The reassembly timer IPv4 and IPv6 share: one scheduler event at a time, `timeoutNs` after it
 * is armed; when it fires it hands the expired datagrams to `onExpire` and re-arms itself while
 * any reassembly is still pending.
 */
import type { World } from '../net/world.ts';

export interface ExpiringTable<E> {
  readonly pending: number;
  expire(nowNs: number): E[];
}

/** Returns `arm()`: call it after each fragment is taken (it does nothing while armed). */
export function reassemblyTimer<E>(world: World, timeoutNs: number, table: ExpiringTable<E>, onExpire: (gone: E) => void): () => void {
  let armed = false;
  const arm = (): void => {
    if (armed) return;
    armed = true;
    world.sched.after(timeoutNs, () => {
      armed = false;
      for (const gone of table.expire(world.now)) onExpire(gone);
      if (table.pending > 0) arm();
    });
  };
  return arm;
}
