/**
 * What an embed shows and how it starts, read from the iframe page's query string or the
 * custom element's attributes (same names for both). Parsing is forgiving: a bad value falls
 * back to the default and is reported in `problems`, never an exception.
 *
 *   scenario=lan  views=topology,ladder  autoplay  controls=minimal|full|none
 *   theme=light|dark|system  seed=1  speed=1|max  t=<seconds>  host=<terminal host>  lesson=<id>
 */
import { ALL_VIEWS, SPEEDS } from '../ui/lab/store.ts';
import type { Speed, ViewId } from '../ui/lab/store.ts';

export type Controls = 'minimal' | 'full' | 'none';
export type Theme = 'light' | 'dark' | 'system';

export interface EmbedOptions {
  /** A built-in scenario name. */
  readonly scenario: string;
  /** A lesson id (shown through the lesson player instead of a bare scenario). */
  readonly lesson: string | null;
  readonly views: readonly ViewId[];
  readonly autoplay: boolean;
  readonly controls: Controls;
  readonly theme: Theme;
  readonly seed: number;
  readonly speed: Speed;
  /** Start the cursor here (seconds). */
  readonly t: number;
  /** The terminal's host. */
  readonly host: string | null;
}

export const DEFAULT_OPTIONS: EmbedOptions = {
  scenario: 'lan',
  lesson: null,
  views: ['topology', 'ladder'],
  autoplay: false,
  controls: 'minimal',
  theme: 'system',
  seed: 1,
  speed: 1,
  t: 0,
  host: null,
};

/** The option names (query parameters and attributes). */
export const OPTION_NAMES = ['scenario', 'lesson', 'views', 'autoplay', 'controls', 'theme', 'seed', 'speed', 't', 'host'] as const;

const NAME = /^[a-z][a-z0-9-]{0,47}$/;
const HOST = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** `get(name)` returns the raw value, or null when the parameter/attribute is absent. */
export function parseOptions(get: (name: string) => string | null): { options: EmbedOptions; problems: string[] } {
  const problems: string[] = [];
  const d = DEFAULT_OPTIONS;
  const bad = (name: string, value: string, want: string) => problems.push(`${name}=${JSON.stringify(value)}: expected ${want}`);

  let scenario = d.scenario;
  const s = get('scenario');
  if (s !== null && s !== '') {
    if (NAME.test(s)) scenario = s;
    else bad('scenario', s, 'a built-in scenario name such as "lan"');
  }

  let lesson = d.lesson;
  const l = get('lesson');
  if (l !== null && l !== '') {
    if (NAME.test(l)) lesson = l;
    else bad('lesson', l, 'a lesson id such as "ping-and-traceroute"');
  }

  let views = d.views;
  const v = get('views');
  if (v !== null) {
    const wanted = v.split(/[\s,]+/).filter(Boolean);
    const known = wanted.filter((x): x is ViewId => (ALL_VIEWS as readonly string[]).includes(x));
    const unknown = wanted.filter((x) => !known.includes(x as ViewId));
    if (unknown.length) bad('views', unknown.join(','), `view names among ${ALL_VIEWS.join(', ')}`);
    views = [...new Set(known)];
  }

  const a = get('autoplay');
  const autoplay = a !== null && !/^(false|0|no|off)$/i.test(a);

  let controls = d.controls;
  const c = get('controls');
  if (c !== null && c !== '') {
    if (c === 'minimal' || c === 'full' || c === 'none') controls = c;
    else bad('controls', c, 'minimal, full or none');
  }

  let theme = d.theme;
  const th = get('theme');
  if (th !== null && th !== '') {
    if (th === 'light' || th === 'dark' || th === 'system') theme = th;
    else bad('theme', th, 'light, dark or system');
  }

  let seed = d.seed;
  const sd = get('seed');
  if (sd !== null && sd !== '') {
    const n = Number(sd);
    if (Number.isInteger(n) && n >= 0 && n <= 0xffffffff) seed = n;
    else bad('seed', sd, 'an integer from 0 to 4294967295');
  }

  let speed = d.speed;
  const sp = get('speed');
  if (sp !== null && sp !== '') {
    const n = sp === 'max' ? 'max' : Number(sp);
    if (n === 'max' || (Number.isFinite(n) && n >= (SPEEDS[0] as number) && n <= 100)) speed = n;
    else bad('speed', sp, 'a number from 0.01 to 100, or max');
  }

  let t = d.t;
  const ts = get('t');
  if (ts !== null && ts !== '') {
    const n = Number(ts.replace(/s$/, ''));
    if (Number.isFinite(n) && n >= 0) t = n;
    else bad('t', ts, 'a time in seconds, such as 1.5');
  }

  let host = d.host;
  const h = get('host');
  if (h !== null && h !== '') {
    if (HOST.test(h)) host = h;
    else bad('host', h, 'a host name from the scenario');
  }

  return { options: { scenario, lesson, views, autoplay, controls, theme, seed, speed, t, host }, problems };
}

/** What has to happen to go from `a` to `b`: a new run, or just settings. */
export function optionsDiff(a: EmbedOptions, b: EmbedOptions): { reload: boolean; seek: boolean; settings: boolean } {
  const reload = a.scenario !== b.scenario || a.seed !== b.seed || a.lesson !== b.lesson;
  const seek = !reload && a.t !== b.t;
  const settings = a.views.join() !== b.views.join() || a.theme !== b.theme || a.speed !== b.speed || a.host !== b.host || a.controls !== b.controls;
  return { reload, seek, settings };
}
