/**
 * The iframe page (embed.html): one widget filling the frame, configured by its query string,
 * driven by the parent page through postMessage (see messages.ts for the API and origin rules).
 *
 *   <iframe src="https://…/embed.html?scenario=lan&views=topology,ladder&autoplay&controls=minimal"
 *           width="720" height="420" title="Stackscope: hosts on a switch"></iframe>
 *
 * `?lesson=<id>` shows the lesson player instead (lesson-embed.tsx, its own chunk).
 */
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import type { LabController } from '../ui/lab/controller.ts';
import { EmbedView } from './EmbedView.tsx';
import { EmbedPlayer } from './player.ts';
import { acceptMessage, allowedOrigins, parseCommand } from './messages.ts';
import type { EmbedEvent } from './messages.ts';
import { parseOptions } from './options.ts';
import '../ui/app.css';
import './embed.css';

const LessonEmbed = lazy(() => import('./lesson-embed.tsx'));

const params = new URLSearchParams(window.location.search);
const { options, problems } = parseOptions((name) => params.get(name));
for (const p of problems) console.warn(`Stackscope embed: ignoring ${p}`);

const framed = window.parent !== window;
/** Who may drive this widget, and where its events go: the embedding page's origin and ?origins=. */
const allowed = framed ? allowedOrigins(document.referrer, params.get('origins')) : [];

function post(e: EmbedEvent): void {
  // One post per allowed origin: the browser delivers it only if the parent has that origin.
  for (const origin of allowed) window.parent.postMessage(e, origin);
}

/** The widget's player; for a lesson, created once the lesson player's lab exists. */
let player: EmbedPlayer | null = null;
let visible = true;

function attach(p: EmbedPlayer): void {
  player = p;
  p.setVisible(visible);
  // The page follows the widget's theme (the terminal reads it from the document element).
  const applyTheme = (theme: string) => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  };
  applyTheme(p.lab.store.getState().theme);
  p.lab.store.subscribe((s, prev) => {
    if (s.theme !== prev.theme) applyTheme(s.theme);
  });
}

window.addEventListener('message', (ev: MessageEvent) => {
  if (!acceptMessage({ origin: ev.origin, fromParent: framed && ev.source === window.parent }, allowed)) return;
  const cmd = parseCommand(ev.data);
  if (!cmd) return;
  const ack = (error: string | null) => {
    if (cmd.id !== undefined) post(error === null ? { type: 'stackscope:ack', id: cmd.id, ok: true } : { type: 'stackscope:ack', id: cmd.id, ok: false, error });
  };
  if (!player) return ack('the widget is not ready (loading)');
  void player.command(cmd).then(ack, (e: unknown) => ack(e instanceof Error ? e.message : String(e)));
});

const mount = document.getElementById('root');
if (!mount) throw new Error('Stackscope: #root element missing from embed.html');
const root = createRoot(mount);

const lesson = options.lesson;
if (lesson !== null) {
  const onLab = (lab: LabController) => {
    player?.dispose();
    attach(new EmbedPlayer(options, post, { lab }));
  };
  const onStep = (step: number, done: number) => post({ type: 'stackscope:stepReached', lesson, step, done });
  root.render(
    <StrictMode>
      <Suspense fallback={<p role="status">Loading the lesson…</p>}>
        <LessonEmbed id={lesson} onLab={onLab} onStep={onStep} />
      </Suspense>
    </StrictMode>,
  );
} else {
  const p = new EmbedPlayer(options, post);
  attach(p);
  // A handle for tests and for the curious (the same object the custom element wraps).
  (window as unknown as { stackscope?: EmbedPlayer }).stackscope = p;
  root.render(
    <StrictMode>
      <EmbedView lab={p.lab} controls={options.controls} />
    </StrictMode>,
  );
  void p.start();
}

// Out of view (the frame scrolled off the parent page): pause, and resume when back.
if (typeof IntersectionObserver === 'function') {
  new IntersectionObserver((entries) => {
    const e = entries[entries.length - 1];
    if (!e) return;
    visible = e.isIntersecting;
    player?.setVisible(visible);
  }).observe(mount);
}
