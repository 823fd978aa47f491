/**
 * Background work on the main thread, one job per task: a queue of jobs keyed by their owner
 * (a chart, a view's trace index), where a newer job for the same key replaces the one still
 * waiting. During a live run several views fold in new trace events and redraw at once; run in
 * one task they would hold the main thread for their sum, run one per task the browser can paint
 * and handle input between them (the "main thread never blocks for more than 50 ms").
 */

type Job = () => void;

const jobs = new Map<object, Job>();
let posted = false;
let channel: MessageChannel | null = null;

function post(): void {
  if (posted) return;
  posted = true;
  if (typeof MessageChannel === 'undefined') {
    setTimeout(pump, 0);
    return;
  }
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = pump;
  }
  channel.port2.postMessage(null);
}

function pump(): void {
  posted = false;
  const next = jobs.entries().next();
  if (next.done) return;
  const [key, job] = next.value;
  jobs.delete(key);
  try {
    job();
  } finally {
    // Posted after the job, so work the job scheduled (a React render) runs before the next job.
    if (jobs.size) post();
  }
}

/** Runs `job` in a task of its own, after the jobs already waiting; replaces `key`'s waiting job. */
export function scheduleTask(key: object, job: Job): void {
  jobs.delete(key);
  jobs.set(key, job);
  post();
}

/** Drops `key`'s waiting job, if any. */
export function cancelTask(key: object): void {
  jobs.delete(key);
}
