/**
 * FQ-CoDel (RFC 8290): packets are hashed by 5-tuple into `flows` queues (default 1024); a
 * deficit round robin (DRR) scheduler with a byte `quantum` (default 1514) serves them, and each
 * queue runs its own CoDel state machine (`CodelMachine`, shared with the plain CoDel qdisc).
 *
 * Scheduling (RFC 8290 §4.2, Linux net/sched/sch_fq_codel.c fq_codel_dequeue):
 * - A queue that becomes non-empty while not scheduled joins the tail of `new_flows` with a
 *   fresh quantum of credit. new_flows are always served before old_flows, so a sparse flow
 *   (one that sends less than a quantum per round) sees almost no queueing delay.
 * - A queue whose credit is spent gets another quantum and moves to the tail of old_flows.
 * - A new queue found empty moves to old_flows (so it cannot jump ahead again at once, RFC 8290
 *   §4.2), unless old_flows is empty; an empty old queue leaves the schedule.
 * - Credit is charged the packet's byte length after it is sent.
 *
 * Overflow (RFC 8290 §4.1, Linux fq_codel_drop): when an enqueue takes the total above `limit`
 * packets (default 10240), packets are dropped from the head of the queue holding the most bytes
 * — up to `dropBatchSize` (64) packets, stopping once half of that queue's bytes are gone — and
 * that queue's CoDel count grows by the number dropped. Ties go to the lowest queue index.
 * ECN marking is on by default. As in Linux, each queue's CoDel MTU rule looks at the whole
 * qdisc's backlog, not the queue's own.
 */
import type { CodelParams, CodelQueue, DropList } from './codel.ts';
import { CodelMachine, codelParams } from './codel.ts';
import { FrameFifo, NO_DROPS } from './droptail.ts';
import type { DequeueResult, Qdisc, QdiscKind, QueuedFrame } from './types.ts';

export const FQ_CODEL_LIMIT = 10240;
export const FQ_CODEL_FLOWS = 1024;
export const FQ_CODEL_QUANTUM = 1514;
export const FQ_CODEL_DROP_BATCH = 64;
const OVERFLOW = 'fq_codel overflow: dropped from fattest flow';

export interface FqCodelOptions {
  limit?: number;
  flows?: number;
  quantum?: number;
  targetNs?: number;
  intervalNs?: number;
  /** Default on (Linux fq_codel). */
  ecn?: boolean;
  mtuBytes?: number;
  dropBatchSize?: number;
}

/** One flow queue: packets, DRR credit, its link in new_flows/old_flows, its CoDel state. */
class FlowQueue {
  readonly fifo = new FrameFifo();
  deficit = 0;
  /** Scheduled: on new_flows or old_flows. */
  listed = false;
  /** Next queue on the same schedule list. */
  next: FlowQueue | undefined = undefined;
  readonly codel: CodelMachine;

  constructor(
    readonly index: number,
    params: CodelParams,
  ) {
    this.codel = new CodelMachine(params, 'fq_codel');
  }
}

/** An intrusive singly linked FIFO of flow queues (new_flows / old_flows). */
class FlowList {
  head: FlowQueue | undefined = undefined;
  private tail: FlowQueue | undefined = undefined;
  length = 0;

  push(f: FlowQueue): void {
    f.next = undefined;
    if (this.tail === undefined) this.head = f;
    else this.tail.next = f;
    this.tail = f;
    this.length++;
  }

  /** Removes the head (the caller already holds it). */
  shift(): void {
    const f = this.head;
    if (f === undefined) return;
    this.head = f.next;
    if (this.head === undefined) this.tail = undefined;
    f.next = undefined;
    this.length--;
  }
}

/**
 * The qdisc's packet and byte totals, and the view CoDel dequeues through: `shift` takes from the
 * flow queue being served and keeps the totals in step; `bytes` is the whole backlog.
 */
class Backlog implements CodelQueue {
  count = 0;
  bytes = 0;
  serving: FlowQueue | undefined = undefined;

  add(item: QueuedFrame): void {
    this.count++;
    this.bytes += item.bytes;
  }

  remove(item: QueuedFrame): void {
    this.count--;
    this.bytes -= item.bytes;
  }

  shift(): QueuedFrame | undefined {
    const item = this.serving?.fifo.shift();
    if (item !== undefined) this.remove(item);
    return item;
  }
}

export class FqCodel implements Qdisc {
  readonly kind: QdiscKind = 'fq_codel';
  readonly limit: number;
  readonly flows: number;
  readonly quantum: number;
  readonly dropBatchSize: number;
  readonly params: CodelParams;
  /** Totals for views: flows that joined new_flows, packets dropped on overflow. */
  newFlowCount = 0;
  overflowDrops = 0;

  private readonly table: Array<FlowQueue | undefined>;
  private readonly newFlows = new FlowList();
  private readonly oldFlows = new FlowList();
  private readonly backlog = new Backlog();

  constructor(opts: FqCodelOptions = {}) {
    this.limit = opts.limit ?? FQ_CODEL_LIMIT;
    this.flows = opts.flows ?? FQ_CODEL_FLOWS;
    this.quantum = opts.quantum ?? FQ_CODEL_QUANTUM;
    this.dropBatchSize = opts.dropBatchSize ?? FQ_CODEL_DROP_BATCH;
    for (const [name, v, max] of [['limit', this.limit, 2 ** 31], ['flows', this.flows, 65536], ['quantum', this.quantum, 2 ** 31], ['dropBatchSize', this.dropBatchSize, 2 ** 31]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > max) throw new RangeError(`fq_codel ${name} must be an integer in 1..${max}, got ${v}`);
    }
    this.params = codelParams(opts, true);
    this.table = new Array<FlowQueue | undefined>(this.flows).fill(undefined);
  }

  get length(): number {
    return this.backlog.count;
  }

  get bytes(): number {
    return this.backlog.bytes;
  }

  /** Flow queues on the schedule (new_flows + old_flows; Linux new_flows_len + old_flows_len). */
  get flowCount(): number {
    return this.newFlows.length + this.oldFlows.length;
  }

  /** The queue index a flow hash maps to. */
  flowIndex(flowHash: number): number {
    return (flowHash >>> 0) % this.flows;
  }

  /** Packets and bytes queued for the flow queue `flowHash` maps to. */
  flowBacklog(flowHash: number): { length: number; bytes: number } {
    const f = this.table[this.flowIndex(flowHash)];
    return { length: f?.fifo.length ?? 0, bytes: f?.fifo.bytes ?? 0 };
  }

  enqueue(item: QueuedFrame, now: number): { refused?: string; evicted?: ReadonlyArray<{ item: QueuedFrame; reason: string }> } {
    const idx = this.flowIndex(item.flowHash);
    let flow = this.table[idx];
    if (flow === undefined) {
      flow = new FlowQueue(idx, this.params);
      this.table[idx] = flow;
    }
    item.enqueuedAt = now;
    flow.fifo.push(item);
    this.backlog.add(item);
    if (!flow.listed) {
      flow.listed = true;
      flow.deficit = this.quantum;
      this.newFlows.push(flow);
      this.newFlowCount++;
    }
    if (this.backlog.count <= this.limit) return {};
    const evicted = this.dropFromFattest();
    const self = evicted.findIndex((e) => e.item === item);
    if (self < 0) return { evicted };
    // The arriving packet itself went: report it as refused, so it is never traced as queued.
    evicted.splice(self, 1);
    return evicted.length > 0 ? { refused: OVERFLOW, evicted } : { refused: OVERFLOW };
  }

  /** Linux fq_codel_drop: drop up to dropBatchSize head packets, or half the bytes, of the fattest queue. */
  private dropFromFattest(): DropList {
    let fat: FlowQueue | undefined;
    for (const list of [this.newFlows, this.oldFlows]) {
      for (let f = list.head; f !== undefined; f = f.next) {
        const b = f.fifo.bytes;
        if (fat === undefined || b > fat.fifo.bytes || (b === fat.fifo.bytes && f.index < fat.index)) fat = f;
      }
    }
    const out: DropList = [];
    if (fat === undefined) return out;
    const threshold = Math.floor(fat.fifo.bytes / 2);
    let len = 0;
    do {
      const item = fat.fifo.shift();
      if (item === undefined) break;
      len += item.bytes;
      this.backlog.remove(item);
      out.push({ item, reason: OVERFLOW });
    } while (out.length < this.dropBatchSize && len < threshold);
    // "Tell codel to increase its signal strength also."
    fat.codel.count += out.length;
    this.overflowDrops += out.length;
    return out;
  }

  dequeue(now: number): DequeueResult {
    const drops: DropList = [];
    for (;;) {
      const list = this.newFlows.head !== undefined ? this.newFlows : this.oldFlows;
      const flow = list.head;
      if (flow === undefined) return { dropped: drops.length > 0 ? drops : NO_DROPS };
      if (flow.deficit <= 0) {
        flow.deficit += this.quantum;
        list.shift();
        this.oldFlows.push(flow);
        continue;
      }
      this.backlog.serving = flow;
      const r = flow.codel.dequeue(this.backlog, now, drops);
      this.backlog.serving = undefined;
      if (r.item === undefined) {
        list.shift();
        if (list === this.newFlows && this.oldFlows.head !== undefined) this.oldFlows.push(flow);
        else flow.listed = false;
        continue;
      }
      flow.deficit -= r.item.bytes;
      const dropped = drops.length > 0 ? drops : NO_DROPS;
      return r.markCe ? { item: r.item, markCe: true, dropped } : { item: r.item, dropped };
    }
  }
}
