/**
 * The lab a lesson runs in: a LabController that also notices each terminal command the
 * learner runs and, when it finishes (when the time cursor reaches its exit, like its output),
 * reports its output and the trace events recorded between its start and its exit. It also
 * describes the app's state the way lesson UI checks see it (paused, selected packet, links).
 */
import type { ObservedEvent, PacketInfo, UiSnapshot } from '../../lessons/index.ts';
import { LabController } from '../lab/controller.ts';
import type { ExecResult } from '../../worker/protocol.ts';

export interface FinishedCommand {
  readonly host: string;
  readonly line: string;
  readonly output: string;
  readonly status: number;
  /** Trace events recorded while it ran (read lazily from the trace buffer). */
  readonly events: Iterable<ObservedEvent>;
}

interface Running {
  readonly host: string;
  readonly line: string;
  /** First trace event index recorded after the command started. */
  readonly from: number;
  readonly lines: string[];
}

export class LessonLab extends LabController {
  private running = new Map<number, Running>();
  private finished = new Set<(c: FinishedCommand) => void>();
  private classes = new Map<number, Promise<PacketInfo | null>>();
  private links: { run: unknown; value: Promise<Record<string, unknown>[]> } | null = null;

  constructor(...args: ConstructorParameters<typeof LabController>) {
    super(...args);
    this.subscribe({
      output: (o) => this.running.get(o.cmd)?.lines.push(o.line),
      exit: (e) => {
        const r = this.running.get(e.cmd);
        if (!r) return;
        this.running.delete(e.cmd);
        const to = this.trace.upperBound(e.t);
        const done: FinishedCommand = { host: r.host, line: r.line, output: r.lines.join('\n'), status: e.status, events: this.eventsBetween(r.from, to) };
        for (const l of this.finished) l(done);
      },
    });
  }

  private eventsBetween(from: number, to: number): Iterable<ObservedEvent> {
    const trace = this.trace;
    const nodes = this.store.getState().topology?.nodes ?? [];
    return {
      *[Symbol.iterator]() {
        for (let i = from; i < to && i < trace.length; i++) yield { kind: trace.kindName(i), node: nodes[trace.nodeAt(i)]?.name, text: trace.textAt(i) };
      },
    };
  }

  override async load(scenario: string | object, seed?: number, cursorNs?: number): Promise<boolean> {
    this.running.clear();
    this.classes.clear();
    this.links = null;
    return super.load(scenario, seed, cursorNs);
  }

  override async exec(host: string, line: string): Promise<ExecResult> {
    const r = await super.exec(host, line);
    // The worker started the command at its head; everything in the buffer happened before.
    if (r.ok) this.running.set(r.cmd, { host, line, from: this.trace.length, lines: [] });
    return r;
  }

  /** Calls `fn` with each terminal command that finishes; returns an unsubscribe. */
  onCommandFinished(fn: (c: FinishedCommand) => void): () => void {
    this.finished.add(fn);
    return () => this.finished.delete(fn);
  }

  private packetInfo(uid: number): Promise<PacketInfo | null> {
    let p = this.classes.get(uid);
    if (!p) {
      p = this.engine.api.packetClass(uid).then(
        (c) => ({ ...c }),
        () => null,
      );
      this.classes.set(uid, p);
    }
    return p;
  }

  private scenarioLinks(): Promise<Record<string, unknown>[]> {
    const run = this.store.getState().run;
    if (!this.links || this.links.run !== run) {
      const value = this.engine.api.scenarioJson().then(
        (s) => ((s as { links?: Record<string, unknown>[] }).links ?? []).map((l) => ({ ...l })),
        () => [],
      );
      this.links = { run, value };
    }
    return this.links.value;
  }

  /** The app's state as lesson UI checks see it. */
  async uiSnapshot(): Promise<UiSnapshot> {
    const s = this.store.getState();
    const uid = s.selection.packet;
    const [selectedPacket, links] = await Promise.all([uid === null ? null : this.packetInfo(uid), s.status === 'ready' ? this.scenarioLinks() : []]);
    return { paused: !this.store.getState().playing, selectedPacket, links };
  }
}
