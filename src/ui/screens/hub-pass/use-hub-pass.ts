/**
 * Runs the view's hub pass: its events go to the reducer; `stop` lets the repos in flight
 * finish and starts no new one. Leaving the view (quitting the console) stops it the same
 * way, and what it says after that goes unheard.
 */
import { useCallback, useEffect, useRef } from 'react';
import { messageOf } from '../../../errors.js';
import { useConsole } from '../../console-context.js';
import type { HubPassAction, PassScope } from './hub-pass-reducer.js';

export function useHubPass(dispatch: (action: HubPassAction) => void): {
  start: (scope: PassScope) => void;
  stop: () => void;
} {
  const { service, graceSeconds, status, dataChanged } = useConsole();
  const running = useRef<AbortController | null>(null);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
      running.current?.abort();
    },
    [],
  );

  const start = useCallback(
    (scope: PassScope) => {
      const controller = new AbortController();
      running.current = controller;
      dispatch({ type: 'start' });
      void (async () => {
        try {
          const repos = scope.repoIds ? { repoIds: scope.repoIds } : {};
          for await (const event of service.runAll({ graceSeconds, stop: controller.signal, ...repos })) {
            if (mounted.current) dispatch({ type: 'event', event });
          }
        } catch (error) {
          if (mounted.current) {
            dispatch({ type: 'failed', message: `The pass failed: ${messageOf(error)}` });
            status(`The pass failed: ${messageOf(error).split('\n')[0]}`, 'error');
          }
        } finally {
          // Every view loads again: the pass's runs are in their repos' history, whatever they deleted.
          dataChanged();
        }
      })();
    },
    [service, graceSeconds, status, dataChanged, dispatch],
  );

  const stop = useCallback(() => {
    running.current?.abort();
    dispatch({ type: 'stop-after-repos' });
  }, [dispatch]);

  return { start, stop };
}
