/**
 * The terminal's line discipline, without xterm: an editable line with cursor, history
 * (↑/↓), and the keys a shell user expects (Home/End, Ctrl-A/E/U/K/W, Backspace/Delete,
 * ←/→). `key(data)` consumes what xterm's onData delivers and returns what to do.
 * Pure and synchronous so it is unit-tested; TerminalView does the drawing.
 */
export type EditorAction =
  | { readonly kind: 'none' }
  /** Redraw the line (the prompt is the caller's). */
  | { readonly kind: 'redraw' }
  | { readonly kind: 'submit'; readonly line: string }
  | { readonly kind: 'interrupt' }
  | { readonly kind: 'eof' }
  | { readonly kind: 'complete'; readonly line: string }
  | { readonly kind: 'clear' };

export class LineEditor {
  line = '';
  cursor = 0;
  private history: string[] = [];
  private histPos = 0;
  private draft = '';

  constructor(history: readonly string[] = []) {
    this.history = [...history];
    this.histPos = this.history.length;
  }

  get entries(): readonly string[] {
    return this.history;
  }

  private set(line: string, cursor = line.length): EditorAction {
    this.line = line;
    this.cursor = cursor;
    return { kind: 'redraw' };
  }

  /** Inserts text at the cursor (paste or typing). Control characters other than tab are dropped. */
  insert(text: string): EditorAction {
    // eslint-disable-next-line no-control-regex
    const clean = text.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '');
    if (!clean) return { kind: 'none' };
    return this.set(this.line.slice(0, this.cursor) + clean + this.line.slice(this.cursor), this.cursor + clean.length);
  }

  key(data: string): EditorAction {
    switch (data) {
      case '\r':
      case '\n': {
        const line = this.line;
        if (line.trim() && this.history[this.history.length - 1] !== line) this.history.push(line);
        if (this.history.length > 500) this.history.shift();
        this.histPos = this.history.length;
        this.draft = '';
        this.line = '';
        this.cursor = 0;
        return { kind: 'submit', line };
      }
      case '\x03':
        this.line = '';
        this.cursor = 0;
        this.histPos = this.history.length;
        return { kind: 'interrupt' };
      case '\x04':
        return this.line === '' ? { kind: 'eof' } : this.key('\x1b[3~');
      case '\x0c':
        return { kind: 'clear' };
      case '\t':
        return { kind: 'complete', line: this.line.slice(0, this.cursor) };
      case '\x7f':
      case '\b':
        if (this.cursor === 0) return { kind: 'none' };
        return this.set(this.line.slice(0, this.cursor - 1) + this.line.slice(this.cursor), this.cursor - 1);
      case '\x1b[3~':
        if (this.cursor >= this.line.length) return { kind: 'none' };
        return this.set(this.line.slice(0, this.cursor) + this.line.slice(this.cursor + 1), this.cursor);
      case '\x1b[D':
        return this.cursor > 0 ? this.set(this.line, this.cursor - 1) : { kind: 'none' };
      case '\x1b[C':
        return this.cursor < this.line.length ? this.set(this.line, this.cursor + 1) : { kind: 'none' };
      case '\x1b[H':
      case '\x1bOH':
      case '\x01':
        return this.set(this.line, 0);
      case '\x1b[F':
      case '\x1bOF':
      case '\x05':
        return this.set(this.line, this.line.length);
      case '\x15':
        return this.set(this.line.slice(this.cursor), 0);
      case '\x0b':
        return this.set(this.line.slice(0, this.cursor), this.cursor);
      case '\x17': {
        const before = this.line.slice(0, this.cursor).replace(/\S+\s*$/, '');
        return this.set(before + this.line.slice(this.cursor), before.length);
      }
      case '\x1b[A':
        if (this.histPos === 0) return { kind: 'none' };
        if (this.histPos === this.history.length) this.draft = this.line;
        this.histPos--;
        return this.set(this.history[this.histPos]!);
      case '\x1b[B':
        if (this.histPos >= this.history.length) return { kind: 'none' };
        this.histPos++;
        return this.set(this.histPos === this.history.length ? this.draft : this.history[this.histPos]!);
      default:
        if (data.startsWith('\x1b')) return { kind: 'none' };
        return this.insert(data);
    }
  }

  /** Applies a completion: replaces the word before the cursor. */
  completeWith(word: string, addSpace: boolean): EditorAction {
    const before = this.line.slice(0, this.cursor).replace(/\S*$/, '') + word + (addSpace ? ' ' : '');
    return this.set(before + this.line.slice(this.cursor), before.length);
  }
}

/** The longest common prefix of completion candidates. */
export function commonPrefix(words: readonly string[]): string {
  if (words.length === 0) return '';
  let p = words[0]!;
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}
