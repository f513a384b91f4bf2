/**
 * Runs integrity checks on demand for a view: their events go to the view, and each repo's
 * result to the console's checks, where every view of that repo finds it. A new check, or
 * leaving the view, stops the one before at its next repo.
 */
import { useCallback, useEffect, useRef } from 'react';
import type { CheckEvent, CheckTarget } from '../gc/service.js';
import { messageOf } from '../errors.js';
import { useConsole } from './console-context.js';

/** Returns what starts a check of `target`; `onEvent` takes its events, `onFailed` why it could not run. */
export function useCheck(
  onEvent: (event: CheckEvent) => void,
  onFailed: (message: string) => void,
): (target: CheckTarget) => void {
  const { service, graceSeconds, checked } = useConsole();
  const running = useRef<AbortController | null>(null);
  useEffect(() => () => running.current?.abort(), []);
  // The views pass new onEvent and onFailed arrows each render that do the same (dispatch to the view's
  // reducer, set the status line).
  // biome-ignore lint/correctness/useExhaustiveDependencies: a check keeps the callbacks it started with
  return useCallback(
    (target: CheckTarget) => {
      running.current?.abort();
      const controller = new AbortController();
      running.current = controller;
      void (async () => {
        try {
          for await (const event of service.check(target, { graceSeconds, signal: controller.signal })) {
            if (controller.signal.aborted) break;
            if (event.type === 'repo-done') checked(event.result);
            onEvent(event);
          }
        } catch (error) {
          if (!controller.signal.aborted) onFailed(messageOf(error));
        }
      })();
    },
    [service, graceSeconds, checked],
  );
}
