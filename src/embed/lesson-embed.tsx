/**
 * `embed.html?lesson=<id>`: the lesson player (src/ui/lessons) inside the iframe, loaded as its
 * own chunk so a plain scenario embed does not download Markdown, YAML and lesson texts.
 *
 * The player has no embedding API yet, so this reads what it publishes: its lab (a
 * LabController, as `window.stackscope`) for the postMessage commands and events, and its step
 * list (current step, steps done) for `stackscope:stepReached` (not its saved progress: a
 * third-party iframe is often denied storage). Both are checked a few times a second; an
 * `onLab`/`onStep` prop on the player would replace this.
 */
import { useEffect } from 'react';
import { Player } from '../ui/lessons/Player.tsx';
import { LabController } from '../ui/lab/controller.ts';
import '../ui/lessons/lessons.css';

export interface LessonEmbedProps {
  id: string;
  onLab(lab: LabController): void;
  onStep(step: number, done: number): void;
}

const POLL_MS = 250;

export default function LessonEmbed({ id, onLab, onStep }: LessonEmbedProps) {
  useEffect(() => {
    let lab: unknown = null;
    let last = '';
    const poll = () => {
      const published = (window as unknown as { stackscope?: unknown }).stackscope;
      if (published instanceof LabController && published !== lab) {
        lab = published;
        onLab(published);
      }
      const items = Array.from(document.querySelectorAll('.ss-steps > li'));
      const current = items.findIndex((li) => li.classList.contains('ss-step-current'));
      if (current < 0) return;
      const done = items.filter((li) => li.classList.contains('ss-step-done')).length;
      const key = `${current}/${done}`;
      if (key !== last) {
        last = key;
        onStep(current, done);
      }
    };
    poll();
    const timer = setInterval(poll, POLL_MS);
    return () => clearInterval(timer);
  }, [id, onLab, onStep]);
  return <Player id={id} />;
}
