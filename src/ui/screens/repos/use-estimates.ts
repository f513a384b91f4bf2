/**
 * Consumes service.estimates() in the background and hands them to the table in
 * batches, so that typing never waits on them and 10,000 arrivals cost a few renders.
 */
import { useEffect } from 'react';
import type { Estimate, GcService } from '../../../gc/service.js';
import { messageOf } from '../../../errors.js';

/** How often arrived estimates are handed to the table. */
const BATCH_MS = 50;

export function useEstimates(
  service: GcService,
  repoIds: readonly string[] | null,
  onBatch: (estimates: Estimate[]) => void,
  onError: (message: string) => void,
): void {
  // A new onError (the console context changed) must not abort the estimates under way.
  // biome-ignore lint/correctness/useExhaustiveDependencies: restarted on a new service or id list only
  useEffect(() => {
    if (repoIds === null || repoIds.length === 0) return;
    const controller = new AbortController();
    let buffer: Estimate[] = [];
    const flush = () => {
      if (buffer.length === 0) return;
      const batch = buffer;
      buffer = [];
      onBatch(batch);
    };
    const timer = setInterval(flush, BATCH_MS);
    void (async () => {
      try {
        for await (const estimate of service.estimates(repoIds, controller.signal)) {
          if (controller.signal.aborted) return;
          buffer.push(estimate);
        }
      } catch (error) {
        if (!controller.signal.aborted) onError(`Estimates stopped: ${messageOf(error)}. Press r to retry.`);
      } finally {
        clearInterval(timer);
        if (!controller.signal.aborted) flush();
      }
    })();
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, [service, repoIds]);
}
