/**
 * The terminal command registry, shared by the browser terminal and `stackscope exec`, so both
 * print exactly the same lines. A command runs inside the simulation: it schedules its own
 * events, prints lines through its context, and calls `exit` when done.
 */
import type { World } from '../net/world.ts';
import type { IpNode } from '../stack/host.ts';
import { splitCommandLine } from './getopt.ts';

export interface CommandContext {
  readonly world: World;
  readonly host: IpNode;
  /** Prints one line of output (no trailing newline). */
  print(line: string): void;
  /** Ends the command with an exit status (0 success, 1 no reply, 2 usage/other errors). */
  exit(status: number): void;
  /** Registers what Ctrl-C does (default: exit 130). */
  onInterrupt(handler: () => void): void;
  /** Receives the terminal's input: a chunk of text, or null at end of input (Ctrl-D). */
  onInput(handler: (text: string | null) => void): void;
  /** True once the command exited. */
  readonly exited: boolean;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(ctx: CommandContext, args: string[]): void;
}

export class CommandRegistry {
  private readonly commands = new Map<string, Command>();

  register(cmd: Command): this {
    this.commands.set(cmd.name, cmd);
    return this;
  }

  get(name: string): Command | undefined {
    return this.commands.get(name);
  }

  names(): string[] {
    return [...this.commands.keys()].sort();
  }

  list(): Command[] {
    return this.names().map((n) => this.commands.get(n)!);
  }
}

export interface RunningCommand {
  readonly line: string;
  readonly exited: boolean;
  readonly status: number | undefined;
  interrupt(): void;
  /** Types text into the command (a line should end with "\n"); null closes its input. */
  input(text: string | null): void;
}

/**
 * Starts `line` on `host` now. Output lines go to `sink` and into the trace (app.output).
 */
export function startCommand(registry: CommandRegistry, world: World, host: IpNode, line: string, sink: (line: string) => void, onExit?: (status: number) => void): RunningCommand {
  const trace = world.trace;
  let exited = false;
  let status: number | undefined;
  let interrupt: (() => void) | null = null;
  let inputHandler: ((text: string | null) => void) | null = null;
  const pendingInput: Array<string | null> = [];
  const print = (l: string): void => {
    if (exited) return;
    trace.emit(world.now, 'app.output', host.id, -1, -1, 0, 0, l);
    sink(l);
  };
  const ctx: CommandContext = {
    world,
    host,
    print,
    exit(s: number) {
      if (exited) return;
      exited = true;
      status = s;
      trace.emit(world.now, 'app.exit', host.id, -1, -1, s, 0, line);
      onExit?.(s);
    },
    onInterrupt(h) {
      interrupt = h;
    },
    onInput(h) {
      inputHandler = h;
      for (const t of pendingInput.splice(0)) h(t);
    },
    get exited() {
      return exited;
    },
  };
  trace.emit(world.now, 'app.start', host.id, -1, -1, 0, 0, line);
  const words = splitCommandLine(line);
  if (!Array.isArray(words)) {
    print(`sh: ${words.error}`);
    ctx.exit(2);
  } else if (words.length === 0) {
    ctx.exit(0);
  } else {
    const cmd = registry.get(words[0]!);
    if (!cmd) {
      print(`${words[0]}: command not found`);
      ctx.exit(127);
    } else {
      try {
        cmd.run(ctx, words.slice(1));
      } catch (e) {
        print(`${cmd.name}: ${(e as Error).message}`);
        ctx.exit(1);
      }
    }
  }
  return {
    line,
    get exited() {
      return exited;
    },
    get status() {
      return status;
    },
    interrupt() {
      if (exited) return;
      print('^C');
      if (interrupt) interrupt();
      else ctx.exit(130);
    },
    input(text: string | null) {
      if (exited) return;
      if (inputHandler) inputHandler(text);
      else pendingInput.push(text);
    },
  };
}
