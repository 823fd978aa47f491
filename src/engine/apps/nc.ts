/**
 * `nc` (OpenBSD netcat, Debian's netcat-openbsd) over TCP:
 *  client: nc [-vnzN] [-w secs] host port   — sends its input, prints what arrives
 *  server: nc -l [-vk] port                  — prints what arrives (and sends its input back)
 * Messages (-v) follow the real tool's wording (nc-format.ts).
 */
import type { Command, CommandContext } from './registry.ts';
import { getopt } from './getopt.ts';
import { resolveTarget } from './resolve.ts';
import type { TcpSocket } from '../stack/tcp/socket.ts';
import { TCP_ERROR_TEXT } from '../stack/tcp/types.ts';
import { utf8Encode } from '../trace/utf8.ts';
import { formatNcBadOption, formatNcBadPort, formatNcConnectFailed, formatNcConnectionReceived, formatNcConnectionSucceeded, formatNcGetaddrinfo, formatNcListening, formatNcMissingArgument, formatNcUsage } from './nc-format.ts';

/** Decodes bytes as text (UTF-8, invalid sequences as U+FFFD), without TextDecoder. */
function decode(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 1 : b >> 5 === 6 ? 2 : b >> 4 === 14 ? 3 : b >> 3 === 30 ? 4 : 0;
    if (n === 0 || i + n > bytes.length) {
      s += '\ufffd';
      i++;
      continue;
    }
    let cp = n === 1 ? b : b & (0xff >> (n + 1));
    for (let k = 1; k < n; k++) cp = (cp << 6) | (bytes[i + k]! & 0x3f);
    s += String.fromCodePoint(cp);
    i += n;
  }
  return s;
}

/** Prints received text line by line, holding a partial last line until more arrives. */
function lineSink(ctx: CommandContext): { push(d: Uint8Array): void; flush(): void } {
  let partial = '';
  return {
    push(d) {
      const text = partial + decode(d);
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) ctx.print(l);
    },
    flush() {
      if (partial) ctx.print(partial);
      partial = '';
    },
  };
}

function parsePort(ctx: CommandContext, text: string): number | undefined {
  if (!/^\d+$/.test(text)) {
    ctx.print(formatNcBadPort('invalid', text));
    return undefined;
  }
  const n = Number(text);
  if (n < 1 || n > 65535) {
    ctx.print(formatNcBadPort(n < 1 ? 'too small' : 'too large', text));
    return undefined;
  }
  return n;
}

/** Wires a connected socket to the terminal: input goes out, data comes in. */
function attach(ctx: CommandContext, s: TcpSocket, shutdownOnEof: boolean, onDone: () => void): void {
  const sink = lineSink(ctx);
  s.onData = (d) => sink.push(d);
  s.onEof = () => {
    sink.flush();
    s.close();
    onDone();
  };
  s.onClose = () => {
    sink.flush();
    onDone();
  };
  ctx.onInput((text) => {
    if (text === null) {
      if (shutdownOnEof) s.shutdown();
      return;
    }
    s.send(utf8Encode(text));
  });
}

export const ncCommand: Command = {
  name: 'nc',
  summary: 'arbitrary TCP connections and listens',
  usage: 'nc [-vnzNk] [-w timeout] [-l] [host] port',
  run(ctx, args) {
    const g = getopt(args, 'vnzNklw:h');
    if (!g.ok) {
      for (const l of g.error.kind === 'invalid' ? formatNcBadOption(g.error.flag) : formatNcMissingArgument(g.error.flag)) ctx.print(l);
      return ctx.exit(1);
    }
    const flags = new Set(g.value.opts.map((o) => o.flag));
    const wOpt = g.value.opts.find((o) => o.flag === 'w')?.value;
    const verbose = flags.has('v');
    const numeric = flags.has('n');
    const ops = g.value.operands;
    const { host, world } = ctx;
    if (flags.has('h') || ops.length === 0) {
      for (const l of formatNcUsage()) ctx.print(l);
      return ctx.exit(1);
    }
    if (flags.has('l')) {
      const port = parsePort(ctx, ops[ops.length - 1]!);
      if (port === undefined) return ctx.exit(1);
      if (verbose) ctx.print(formatNcListening('0.0.0.0', port));
      const keep = flags.has('k');
      let listener: ReturnType<typeof host.tcp.listen> | undefined;
      let active = false;
      try {
        listener = host.tcp.listen(port, (s) => {
          if (active) return s.abort('nc serves one connection at a time');
          active = true;
          if (verbose) ctx.print(formatNcConnectionReceived(s.remote.text, s.remotePort));
          attach(ctx, s, true, () => {
            active = false;
            if (!keep) {
              listener?.close();
              ctx.exit(0);
            }
          });
        });
      } catch {
        ctx.print('nc: Address already in use');
        return ctx.exit(1);
      }
      ctx.onInterrupt(() => {
        listener?.close();
        ctx.exit(130);
      });
      return;
    }
    if (ops.length < 2) {
      for (const l of formatNcUsage()) ctx.print(l);
      return ctx.exit(1);
    }
    const target = ops[0]!;
    const port = parsePort(ctx, ops[1]!);
    if (port === undefined) return ctx.exit(1);
    const dest = resolveTarget(world, target, undefined);
    if (!dest) {
      ctx.print(formatNcGetaddrinfo(target, port));
      return ctx.exit(1);
    }
    const s = host.tcp.connect(dest.addr, port);
    const fail = (error: string, timedOut = false): void => {
      if (verbose) ctx.print(formatNcConnectFailed({ host: target, address: dest.text, port, error, timedOut, numeric }));
      ctx.exit(1);
    };
    if (typeof s === 'string') return fail(s === 'ENETUNREACH' ? 'Network is unreachable' : TCP_ERROR_TEXT[s]);
    let connected = false;
    const timeout = wOpt !== undefined && /^\d+$/.test(wOpt) ? Number(wOpt) * 1e9 : undefined;
    const timer = timeout !== undefined ? world.sched.after(timeout, () => {
      if (connected || ctx.exited) return;
      s.abort('nc -w timeout');
      fail('', true);
    }) : null;
    s.onClose = (err) => {
      if (!connected && !ctx.exited) fail(TCP_ERROR_TEXT[err ?? 'ECONNREFUSED']);
    };
    s.onConnect = () => {
      connected = true;
      world.sched.cancel(timer);
      if (verbose) ctx.print(formatNcConnectionSucceeded({ host: target, address: dest.text, port, numeric }));
      if (flags.has('z')) {
        s.close();
        return ctx.exit(0);
      }
      attach(ctx, s, flags.has('N'), () => ctx.exit(0));
    };
    ctx.onInterrupt(() => {
      s.abort('interrupted');
      ctx.exit(130);
    });
  },
};
