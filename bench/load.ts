// The parent's handle on the load process (./load-worker.ts): one forked process for the whole
// run, given one job at a time.

import { forkTs, type Child } from './child.js';
import type { LoadJob, LoadResult } from './load-jobs.js';

export type { LoadJob, LoadResult, RequestShape } from './load-jobs.js';

export interface LoadGenerator {
  /** Resolves once the load process has started and can take jobs. */
  ready: Promise<void>;
  run(job: LoadJob): Promise<LoadResult>;
  close(): Promise<void>;
}

export function startLoadGenerator(): LoadGenerator {
  const child: Child = forkTs(new URL('./load-worker.ts', import.meta.url));
  return {
    ready: child.ready,
    run: (job) => child.request<LoadResult>({ job }),
    close: () => child.stop(),
  };
}

/** A round whose answers were not all 2xx measured something else: stop and say what. */
export function requireAllOk(what: string, result: LoadResult): LoadResult {
  if (result.failed > 0 || result.ok === 0) {
    throw new Error(`${what}: ${result.failed} of ${result.ok + result.failed} requests failed; first: ${result.firstFailure ?? 'none answered'}`);
  }
  return result;
}
