/** Saved lesson progress and the lesson routes (the parts of the player that need no DOM). */
import { beforeEach, describe, expect, it } from 'vitest';
import { STORAGE_KEY, exportProgress, importProgress, loadAllProgress, loadProgress, saveProgress } from '../../src/ui/lessons/progress.ts';
import { lessonRoute } from '../../src/ui/lessons/route.ts';

const store = new Map<string, string>();
beforeEach(() => {
  store.clear();
  (globalThis as unknown as { localStorage: Pick<Storage, 'getItem' | 'setItem'> }).localStorage = {
    getItem: (k) => store.get(k) ?? null,
    setItem: (k, v) => void store.set(k, v),
  };
});

describe('lesson progress', () => {
  it('saves per lesson and reads back', () => {
    saveProgress('ping', { current: 2, steps: { 'send-one-ping': { done: true }, 'read-the-ttl': { answer: 60, correct: false, hints: 1 } }, updated: 0 });
    expect(loadProgress('ping')).toMatchObject({ current: 2, steps: { 'send-one-ping': { done: true }, 'read-the-ttl': { answer: 60, correct: false, hints: 1 } } });
    expect(loadProgress('other')).toEqual({ current: 0, steps: {}, updated: 0 });
    saveProgress('ping', null);
    expect(loadAllProgress()).toEqual({});
  });

  it('drops malformed saved data instead of failing', () => {
    store.set(STORAGE_KEY, JSON.stringify({ ping: { current: -3, steps: { ok: { done: 'yes', hints: 1e9, answer: { x: 1 } }, 'BAD KEY': { done: true } } }, 'BAD ID': {} }));
    expect(loadAllProgress()).toEqual({ ping: { current: 0, steps: { ok: {} }, updated: 0 } });
    store.set(STORAGE_KEY, '{not json');
    expect(loadAllProgress()).toEqual({});
  });

  it('exports and imports a progress file', () => {
    saveProgress('ping', { current: 1, steps: { a: { done: true } }, updated: 0 });
    const file = exportProgress();
    store.clear();
    expect(importProgress(file)).toEqual({ ok: true, lessons: 1 });
    expect(loadProgress('ping').steps).toEqual({ a: { done: true } });
    expect(importProgress('{"lessons":{}}')).toMatchObject({ ok: false, error: 'not a Stackscope lesson progress file' });
    expect(importProgress('nope')).toMatchObject({ ok: false });
  });
});

describe('lesson routes', () => {
  it('#lessons is the catalogue, #lesson=<id> a lesson, anything else the lab', () => {
    expect(lessonRoute('#lessons')).toEqual({ kind: 'catalogue' });
    expect(lessonRoute('#lesson=ping-and-traceroute')).toEqual({ kind: 'lesson', id: 'ping-and-traceroute' });
    expect(lessonRoute('#lesson=<script>')).toEqual({ kind: 'catalogue' });
    expect(lessonRoute('#s=routed&seed=1')).toBeNull();
    expect(lessonRoute('')).toBeNull();
    expect(lessonRoute('#compare=1')).toBeNull();
  });
});
