/**
 * Time as the watch sees it: injectable, so a unit test runs ten minutes of sampling in
 * milliseconds with a clock it moves itself, and never waits on a timer to synchronise.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Waits `ms`; resolves early, without error, when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      function done() {
        signal?.removeEventListener("abort", done);
        clearTimeout(timer);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    }),
};
