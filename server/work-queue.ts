/**
 * Bounded concurrency: at most `concurrency` jobs run at once, at most `depth` wait; one more is
 * refused at once (the caller answers 429), never queued without bound. Jobs start in the order
 * they came.
 */
export interface WorkQueue {
  /** False when the queue is full (nothing was queued). */
  offer(job: () => Promise<void>): boolean;
  readonly waiting: number;
  readonly running: number;
  /** Resolves when nothing runs (clear() first, at shutdown, so that nothing more starts). */
  drain(): Promise<void>;
  /** Drops the jobs still waiting; returns how many. */
  clear(): number;
}

export function workQueue(options: { concurrency: number; depth: number; onChange?: () => void }): WorkQueue {
  const waiting: (() => Promise<void>)[] = [];
  let running = 0;
  let idle: (() => void)[] = [];
  const changed = () => options.onChange?.();

  const next = () => {
    while (running < options.concurrency && waiting.length) {
      const job = waiting.shift()!;
      running++;
      // A job's own failure is the job's to record; the queue only counts.
      void job()
        .catch(() => {})
        .finally(() => {
          running--;
          changed();
          if (running === 0 && !waiting.length) {
            for (const resolve of idle) resolve();
            idle = [];
          }
          next();
        });
    }
    changed();
  };

  return {
    offer(job) {
      if (waiting.length >= options.depth && running >= options.concurrency) return false;
      waiting.push(job);
      next();
      return true;
    },
    get waiting() {
      return waiting.length;
    },
    get running() {
      return running;
    },
    clear() {
      const dropped = waiting.length;
      waiting.length = 0;
      changed();
      return dropped;
    },
    drain() {
      if (running === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}
