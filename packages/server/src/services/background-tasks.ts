import type { Storage } from '../storage/database.ts';

export interface BackgroundTasks {
  /**
   * Runs `task` without making the caller wait (deliveries and notices after a request has been
   * answered). It starts once the writes made before it are committed, so nothing it sends reports
   * a change that could still be lost, and it runs through `durably`, so it is done only once its
   * own writes are committed; if it or a commit fails, `onError` hears of it.
   */
  run(task: () => Promise<void>): void;
  /** Resolves when every task started so far has settled (shutdown waits for it). */
  drain(): Promise<void>;
}

export function createBackgroundTasks(deps: {
  durably: Storage['durably'];
  onError: (error: unknown) => void;
}): BackgroundTasks {
  const inFlight = new Set<Promise<void>>();
  return {
    run(task) {
      const running = deps
        .durably(() => undefined)
        .then(() => deps.durably(task))
        .catch(deps.onError);
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running));
    },
    async drain() {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
  };
}
