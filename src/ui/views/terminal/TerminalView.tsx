/**
 * A real terminal (xterm.js) attached to one host of the run. Commands go to the same
 * registry `stackscope exec` uses, so the output is identical; it appears when the time
 * cursor reaches the moment the command printed it, in step with the packets in the views.
 */
import { useEffect, useRef } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import './terminal.css';
import { useLab, useLabContext } from '../../lab/context.ts';
import { LineEditor, commonPrefix } from './line-editor.ts';

const BUILTINS = ['help', 'clear'];
const DARK = { background: '#111418', foreground: '#e6e6e6' };
const LIGHT = { background: '#fbfbfb', foreground: '#1a1a1a', cursor: '#1a1a1a', selectionBackground: '#b3d4fc' };

/** The lab's theme decides (not the page's: inside an embedded widget the page is someone else's). */
function darkTheme(theme: 'light' | 'dark' | 'system'): boolean {
  return theme === 'dark' || (theme === 'system' && window.matchMedia?.('(prefers-color-scheme: dark)').matches);
}

export default function TerminalView() {
  const lab = useLabContext();
  const host = useLab((s) => s.terminalHost);
  const hosts = useLab((s) => s.run?.hosts ?? []);
  const commands = useLab((s) => s.run?.commands ?? []);
  const status = useLab((s) => s.status);
  const setState = useLab((s) => s.set);
  const theme = useLab((s) => s.theme);
  const box = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);

  useEffect(() => {
    const el = box.current;
    const backend = lab.terminal;
    if (!el || !backend || !host || status !== 'ready') return undefined;
    const dark = darkTheme(lab.store.getState().theme);
    const term = new Terminal({
      convertEol: true,
      cursorBlink: true,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 14,
      screenReaderMode: true,
      theme: dark ? DARK : LIGHT,
    });
    termRef.current = term;
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    const refit = () => {
      try {
        fit.fit();
      } catch {
        // not laid out yet
      }
    };
    refit();
    const ro = new ResizeObserver(refit);
    ro.observe(el);
    const prompt = `${host}:~$ `;
    const ed = new LineEditor();
    let running: number | null = null;
    const redraw = () => {
      term.write('\r\x1b[2K' + prompt + ed.line);
      const back = ed.line.length - ed.cursor;
      if (back > 0) term.write(`\x1b[${back}D`);
    };
    const showPrompt = () => {
      term.write(prompt);
    };
    term.writeln(`Stackscope terminal on ${host}. Type help for commands; Ctrl-C interrupts.`);
    showPrompt();

    const unsubscribe = backend.subscribe({
      output(o) {
        if (o.cmd === running) term.writeln(o.line);
      },
      exit(e) {
        if (e.cmd !== running) return;
        running = null;
        showPrompt();
      },
    });

    const run = async (line: string) => {
      const word = line.trim().split(/\s+/)[0] ?? '';
      if (!word) return showPrompt();
      if (word === 'clear') {
        term.clear();
        return showPrompt();
      }
      if (word === 'help') {
        term.writeln('Commands (each accepts --help-style usage errors like the real tool):');
        for (const c of commands) term.writeln(`  ${c.usage}`);
        term.writeln('  clear    clear the screen');
        term.writeln('Keys: ↑/↓ history, Tab completion, Ctrl-C interrupt, Ctrl-D end of input, Ctrl-L clear.');
        return showPrompt();
      }
      const r = await backend.exec(host, line);
      if (!r.ok) {
        term.writeln(r.error);
        return showPrompt();
      }
      running = r.cmd;
    };

    // Keys are handled one at a time, in order: a Tab completion waiting for the engine must
    // not let the next keys overtake it.
    let queue: Promise<unknown> = Promise.resolve();
    const onData = term.onData((data) => {
      queue = queue.then(() => handleKey(data)).catch(() => {});
    });
    const handleKey = async (data: string): Promise<unknown> => {
      if (running !== null) {
        // A command is running: keys go to it (Ctrl-C interrupts, Ctrl-D closes its input).
        if (data === '\x03') {
          term.write('^C');
          void backend.interrupt(running);
        } else if (data === '\x04') void backend.input(running, null);
        else {
          const a = ed.key(data);
          if (a.kind === 'submit') {
            term.write('\r\n');
            void backend.input(running, a.line + '\n');
          } else if (a.kind === 'redraw') {
            term.write('\r\x1b[2K' + ed.line);
          }
        }
        return;
      }
      const a = ed.key(data);
      switch (a.kind) {
        case 'redraw':
          return redraw();
        case 'submit':
          term.write('\r\n');
          return run(a.line);
        case 'interrupt':
          term.write('^C\r\n');
          return showPrompt();
        case 'clear':
          term.clear();
          return redraw();
        case 'complete': {
          const words = a.line.split(/\s+/);
          const first = words.length <= 1;
          const remote = await backend.complete(host, a.line).catch(() => [] as string[]);
          const cands = [...new Set([...(first ? BUILTINS.filter((b) => b.startsWith(words[0] ?? '')) : []), ...remote])].sort();
          if (cands.length === 1) {
            ed.completeWith(cands[0]!, true);
            return redraw();
          }
          if (cands.length > 1) {
            const p = commonPrefix(cands);
            const last = words[words.length - 1] ?? '';
            if (p.length > last.length) {
              ed.completeWith(p, false);
              return redraw();
            }
            term.write('\r\n' + cands.join('  ') + '\r\n');
            return redraw();
          }
          return undefined;
        }
        default:
          return undefined;
      }
    };
    return () => {
      onData.dispose();
      unsubscribe();
      ro.disconnect();
      term.dispose();
      termRef.current = null;
    };
  }, [lab, host, status, commands]);

  // A theme change recolours the terminal in place (its scrollback stays).
  useEffect(() => {
    if (termRef.current) termRef.current.options.theme = darkTheme(theme) ? DARK : LIGHT;
  }, [theme]);

  return (
    <div className="ss-terminal">
      <div className="ss-terminal-bar">
        <label>
          Host{' '}
          <select value={host ?? ''} onChange={(e) => setState({ terminalHost: e.target.value })} aria-label="Terminal host">
            {hosts.map((h) => (
              <option key={h} value={h}>
                {h}
              </option>
            ))}
          </select>
        </label>
        <span className="ss-terminal-hint">Output appears as simulated time reaches it.</span>
      </div>
      <div className="ss-terminal-screen" ref={box} role="region" aria-label={`Terminal on ${host ?? 'no host'}`} />
    </div>
  );
}
