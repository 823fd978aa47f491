import { describe, expect, test } from 'vitest';
import { LineEditor, commonPrefix } from './line-editor.ts';

function type(ed: LineEditor, s: string) {
  for (const ch of s) ed.key(ch);
}

describe('terminal line editor', () => {
  test('typing and Enter submit the line and remember it', () => {
    const ed = new LineEditor();
    type(ed, 'ping -c 1 h2');
    expect(ed.key('\r')).toEqual({ kind: 'submit', line: 'ping -c 1 h2' });
    expect(ed.line).toBe('');
    expect(ed.entries).toEqual(['ping -c 1 h2']);
  });

  test('history: up recalls older lines, down returns to the unfinished draft', () => {
    const ed = new LineEditor(['one', 'two']);
    type(ed, 'dra');
    ed.key('\x1b[A');
    expect(ed.line).toBe('two');
    ed.key('\x1b[A');
    expect(ed.line).toBe('one');
    expect(ed.key('\x1b[A')).toEqual({ kind: 'none' });
    ed.key('\x1b[B');
    ed.key('\x1b[B');
    expect(ed.line).toBe('dra');
  });

  test('cursor movement, backspace and delete edit in the middle', () => {
    const ed = new LineEditor();
    type(ed, 'pimg');
    ed.key('\x1b[D');
    ed.key('\x1b[D');
    ed.key('\x1b[C');
    ed.key('\x7f');
    type(ed, 'n');
    expect(ed.line).toBe('ping');
    ed.key('\x05');
    type(ed, 'x');
    ed.key('\x1b[D');
    ed.key('\x1b[3~');
    expect(ed.line).toBe('ping');
  });

  test('Ctrl-W deletes the previous word, Ctrl-U the line before the cursor', () => {
    const ed = new LineEditor();
    type(ed, 'traceroute -n 10.0.0.1');
    ed.key('\x17');
    expect(ed.line).toBe('traceroute -n ');
    ed.key('\x15');
    expect(ed.line).toBe('');
  });

  test('Ctrl-C interrupts and clears; Ctrl-D on an empty line is end of input', () => {
    const ed = new LineEditor();
    type(ed, 'abc');
    expect(ed.key('\x03')).toEqual({ kind: 'interrupt' });
    expect(ed.line).toBe('');
    expect(ed.key('\x04')).toEqual({ kind: 'eof' });
  });

  test('Tab asks for completion of the text before the cursor; a completion replaces the last word', () => {
    const ed = new LineEditor();
    type(ed, 'ping -c 1 ro');
    expect(ed.key('\t')).toEqual({ kind: 'complete', line: 'ping -c 1 ro' });
    ed.completeWith('router1', true);
    expect(ed.line).toBe('ping -c 1 router1 ');
  });

  test('pasted control characters are dropped, text kept', () => {
    const ed = new LineEditor();
    ed.key('ls\x07 -l');
    expect(ed.line).toBe('ls -l');
  });

  test('common prefix of candidates', () => {
    expect(commonPrefix(['traceroute', 'tcpdump'])).toBe('t');
    expect(commonPrefix(['ping'])).toBe('ping');
    expect(commonPrefix([])).toBe('');
  });
});
