/**
 * Play/pause, step one event back/forward, scrub, speed. Keyboard: Space play/pause,
 * ←/→ step (handled globally in App when focus is not in a text field or the terminal).
 */
import { useId } from 'react';
import type { LabController } from '../lab/controller.ts';
import { useLab } from '../lab/context.ts';
import { SPEEDS } from '../lab/store.ts';
import type { Speed } from '../lab/store.ts';
import { formatSpeed, formatTime } from './format.ts';
import { PauseIcon, PlayIcon, StepBackIcon, StepForwardIcon } from './icons.tsx';

export function TransportBar({ lab }: { lab: LabController }) {
  const cursorNs = useLab((s) => s.cursorNs);
  const cursorEvents = useLab((s) => s.cursorEvents);
  const headNs = useLab((s) => s.headNs);
  const stop = useLab((s) => s.run?.stopTimeNs ?? 0);
  const speed = useLab((s) => s.speed);
  const ready = useLab((s) => s.status === 'ready');
  useLab((s) => s.traceVersion);
  const setState = useLab((s) => s.set);
  const end = Math.max(headNs, stop);
  const total = lab.trace.length;

  return (
    <div className="ss-transport" role="toolbar" aria-label="Timeline">
      <button type="button" onClick={() => lab.stepBack()} disabled={!ready || cursorEvents === 0} aria-label="Step one event back" title="Step back (←)">
        <StepBackIcon />
      </button>
      <PlayButton lab={lab} />
      <button type="button" onClick={() => void lab.stepForward()} disabled={!ready} aria-label="Step one event forward" title="Step forward (→)">
        <StepForwardIcon />
      </button>
      <Scrubber lab={lab} />
      <output className="ss-time" aria-live="off">
        {formatTime(cursorNs)} <span className="ss-muted">/ {formatTime(end)}</span>
        <span className="ss-muted ss-event-count">
          {' '}
          · event {cursorEvents.toLocaleString('en-US')} of {total.toLocaleString('en-US')}
        </span>
      </output>
      <label className="ss-speed">
        Speed{' '}
        <select value={String(speed)} aria-label="Speed" onChange={(e) => setState({ speed: (e.target.value === 'max' ? 'max' : Number(e.target.value)) as Speed })}>
          {SPEEDS.map((s) => (
            <option key={String(s)} value={String(s)}>
              {formatSpeed(s)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** Play/pause for a lab (the full transport bar and the embed's minimal controls). */
export function PlayButton({ lab }: { lab: LabController }) {
  const playing = useLab((s) => s.playing);
  const ready = useLab((s) => s.status === 'ready');
  return (
    <button type="button" className="ss-play" onClick={() => lab.toggle()} disabled={!ready} aria-label={playing ? 'Pause' : 'Play'} title="Play/pause (Space)">
      {playing ? <PauseIcon /> : <PlayIcon />}
    </button>
  );
}

/** The time scrubber: dragging pauses and seeks (simulating ahead when needed). */
export function Scrubber({ lab }: { lab: LabController }) {
  const cursorNs = useLab((s) => s.cursorNs);
  const headNs = useLab((s) => s.headNs);
  const stop = useLab((s) => s.run?.stopTimeNs ?? 0);
  const ready = useLab((s) => s.status === 'ready');
  const scrubId = useId();
  const end = Math.max(headNs, stop);
  return (
    <>
      <label htmlFor={scrubId} className="visually-hidden">
        Time
      </label>
      <input
        id={scrubId}
        className="ss-scrub"
        type="range"
        min={0}
        max={Math.max(1, end)}
        step={Math.max(1, Math.round(end / 2000))}
        value={Math.min(cursorNs, end)}
        disabled={!ready}
        aria-valuetext={formatTime(cursorNs)}
        onChange={(e) => {
          lab.pause();
          void lab.seek(Number(e.target.value));
        }}
      />
    </>
  );
}
