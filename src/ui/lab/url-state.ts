/**
 * The shareable state of a lab as a URL fragment: scenario (built-in name, or the whole
 * scenario JSON), seed, time cursor, open views, selection, terminal host and theme.
 * `#s=routed&seed=7&t=1.25&v=topology,ladder&p=42&h=laptop`; custom scenarios travel as
 * `sc=<base64url JSON>`. Parsing is forgiving: unknown or broken parts are ignored with
 * the rest kept, never an exception.
 */
import { ALL_VIEWS } from './store.ts';
import type { ViewId } from './store.ts';

export interface SharedState {
  scenario: string | object;
  seed: number;
  /** Cursor in seconds. */
  t: number;
  views?: ViewId[];
  packet?: number;
  host?: string;
  theme?: 'light' | 'dark';
  /** Terminal commands typed in the run (replayed at their times, so a shared run is the same run). */
  commands?: { atNs: number; events: number; host: string; command: string }[];
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): string {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

export function encodeState(st: SharedState): string {
  const p = new URLSearchParams();
  if (typeof st.scenario === 'string') p.set('s', st.scenario);
  else p.set('sc', toBase64Url(JSON.stringify(st.scenario)));
  p.set('seed', String(st.seed));
  p.set('t', String(Math.round(st.t * 1e9) / 1e9));
  if (st.views) p.set('v', st.views.join(','));
  if (st.packet !== undefined) p.set('p', String(st.packet));
  if (st.host) p.set('h', st.host);
  if (st.theme) p.set('theme', st.theme);
  if (st.commands && st.commands.length > 0) p.set('c', toBase64Url(JSON.stringify(st.commands.map((c) => [c.atNs, c.events, c.host, c.command]))));
  return p.toString();
}

export function decodeState(fragment: string): Partial<SharedState> {
  const p = new URLSearchParams(fragment.replace(/^#/, ''));
  const out: Partial<SharedState> = {};
  const s = p.get('s');
  if (s && /^[a-z][a-z0-9-]{0,47}$/.test(s)) out.scenario = s;
  const sc = p.get('sc');
  if (sc) {
    try {
      const obj: unknown = JSON.parse(fromBase64Url(sc));
      if (obj && typeof obj === 'object') out.scenario = obj;
    } catch {
      // a damaged link: fall back to the default scenario
    }
  }
  const seed = Number(p.get('seed'));
  if (p.has('seed') && Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff) out.seed = seed;
  const t = Number(p.get('t'));
  if (p.has('t') && Number.isFinite(t) && t >= 0) out.t = t;
  const v = p.get('v');
  if (v !== null) out.views = v.split(',').filter((x): x is ViewId => (ALL_VIEWS as readonly string[]).includes(x));
  const pk = Number(p.get('p'));
  if (p.has('p') && Number.isInteger(pk) && pk >= 0) out.packet = pk;
  const h = p.get('h');
  if (h && /^[A-Za-z0-9._-]{1,64}$/.test(h)) out.host = h;
  const c = p.get('c');
  if (c) {
    try {
      const rows: unknown = JSON.parse(fromBase64Url(c));
      if (Array.isArray(rows)) {
        const cmds = rows
          .filter(
            (r): r is [number, number, string, string] =>
              Array.isArray(r) && r.length === 4 && Number.isFinite(r[0]) && r[0] >= 0 && Number.isInteger(r[1]) && r[1] >= 0 && typeof r[2] === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(r[2]) && typeof r[3] === 'string' && r[3].length > 0 && r[3].length < 1000,
          )
          .map(([atNs, events, host, command]) => ({ atNs, events, host, command }));
        if (cmds.length > 0) out.commands = cmds;
      }
    } catch {
      // a damaged link: the commands are dropped, the rest kept
    }
  }
  const theme = p.get('theme');
  if (theme === 'light' || theme === 'dark') out.theme = theme;
  return out;
}
