/**
 * Runs sweeps from the Storage view: their events go to its reducer, and the engine's
 * question (asked once the strays are known) waits for `answer`. Leaving the view
 * answers no and stops a sweep after its batch.
 */
import { useCallback, useEffect, useRef } from 'react';
import { SWEEP_GRACE_SECONDS } from '../../../gc/sweep/types.js';
import { messageOf } from '../../../errors.js';
import { useConsole } from '../../console-context.js';
import type { StorageAction } from './storage-reducer.js';

export function useSweep(
  dispatch: (action: StorageAction) => void,
  /** Called when a sweep has ended, however it ended. */
  onEnded: () => void,
): { start: (dryRun: boolean) => void; answer: (yes: boolean) => void; stop: () => void } {
  const { service, status } = useConsole();
  const pending = useRef<((yes: boolean) => void) | null>(null);
  const running = useRef<AbortController | null>(null);
  useEffect(
    () => () => {
      running.current?.abort();
      pending.current?.(false);
    },
    [],
  );

  const answer = useCallback(
    (yes: boolean) => {
      const resolve = pending.current;
      pending.current = null;
      dispatch({ type: 'answered' });
      resolve?.(yes);
    },
    [dispatch],
  );

  const start = useCallback(
    (dryRun: boolean) => {
      const controller = new AbortController();
      running.current = controller;
      dispatch({ type: 'start', dryRun });
      const confirm = () =>
        new Promise<boolean>((resolve) => {
          if (controller.signal.aborted) return resolve(false);
          pending.current = resolve;
          dispatch({ type: 'ask' });
        });
      void (async () => {
        try {
          for await (const event of service.sweep({
            graceSeconds: SWEEP_GRACE_SECONDS,
            dryRun,
            confirm,
            signal: controller.signal,
          })) {
            dispatch({ type: 'event', event });
          }
        } catch (error) {
          dispatch({ type: 'failed', message: messageOf(error) });
          status(`The ${dryRun ? 'dry run' : 'sweep'} failed: ${messageOf(error).split('\n')[0]}`, 'error');
        } finally {
          onEnded();
        }
      })();
    },
    [service, status, dispatch, onEnded],
  );

  const stop = useCallback(() => {
    running.current?.abort();
    dispatch({ type: 'stop-after-batch' });
  }, [dispatch]);

  return { start, answer, stop };
}
