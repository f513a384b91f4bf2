/**
 * Runs the screen's GC run: the repo's last check and whether another repo shares its slug are
 * read first, then the engine's events go to the reducer and each phase's question waits for
 * `answer`. `stop` answers a waiting question with stop, or stops the run after the running
 * phase. Leaving the view stops the run at its next question, and what it says after that goes
 * unheard.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunTarget } from '../../../gc/service.js';
import { repoName, type Decision, type Plan, type RepoIdentity } from '../../../gc/types.js';
import { messageOf } from '../../../errors.js';
import { confirmationOf } from '../../../present/run.js';
import { useConsole } from '../../console-context.js';
import type { RunAction, RunState } from './run-reducer.js';

export function useRun(
  run: {
    repo: RepoIdentity;
    /** The plan the preview showed, or a plan file's; without one, the run derives its plan under the lock. */
    plan: Plan | undefined;
    source: 'preview' | 'file';
  },
  dispatch: (action: RunAction) => void,
  current: () => RunState,
): {
  /** What a blob phase wants typed: the slug, or owner/slug where another repo (a fork) shares the slug. */
  word: string;
  answer: (decision: Decision) => void;
  stop: () => void;
} {
  const app = useConsole();
  const { repo, plan, source } = run;
  const [word, setWord] = useState(repo.slug);
  const pending = useRef<((decision: Decision) => void) | null>(null);

  const answer = useCallback(
    (decision: Decision) => {
      const resolve = pending.current;
      pending.current = null;
      dispatch({ type: 'answered', decision });
      resolve?.(decision);
    },
    [dispatch],
  );

  // Running the effect again (a new console context) would stop this run at its next prompt and start another.
  // biome-ignore lint/correctness/useExhaustiveDependencies: one run per screen, started when it opens
  useEffect(() => {
    if (app.readOnly) return;
    const { service, graceSeconds } = app;
    let alive = true;
    void (async () => {
      // Read before the run takes the embedded hub's one connection, and said before its first prompt.
      const lastCheck = await service.lastCheck(repo).then(
        (record) => ({ record }),
        (error: unknown) => ({ error: messageOf(error) }),
      );
      if (alive) dispatch({ type: 'last-check', lastCheck });
      // Not knowing whether the slug is shared, ask for the longer name.
      const shared = await service.listRepos().then(
        (repos) => repos.some((other) => other.slug === repo.slug && other.repoId !== repo.repoId),
        () => true,
      );
      if (alive && shared) setWord(repoName(repo));
      try {
        const target: RunTarget = !plan
          ? { repo, graceSeconds }
          : source === 'file'
            ? { plan, source, graceSeconds }
            : { plan, source };
        const decide = (phase: Plan['phases'][number]) =>
          new Promise<Decision>((resolve) => {
            // Once a stop is asked, every phase after it is stopped, whatever keys come after.
            if (!alive || current().stopAfterPhase) return resolve('stop');
            const confirmation = confirmationOf(phase);
            if (confirmation === 'none') return resolve('go');
            dispatch({ type: 'ask', phase, slug: confirmation === 'slug' });
            // The reducer shows no prompt after a stop: then no answer is waited for.
            if (current().prompt) pending.current = resolve;
            else resolve('stop');
          });
        for await (const event of service.run(target, { decide })) {
          if (alive) dispatch({ type: 'event', event, at: app.now() });
        }
      } catch (error) {
        if (alive) {
          dispatch({ type: 'failed', message: `The run failed: ${messageOf(error)}` });
          app.status(`The run failed: ${messageOf(error).split('\n')[0]}`, 'error');
        }
      } finally {
        // However it ended (done, stopped, failed), the run is in the history now, and may have deleted: every view loads again.
        app.dataChanged();
      }
    })();
    return () => {
      // Leaving the console mid-prompt stops the run rather than leaving the engine waiting.
      alive = false;
      pending.current?.('stop');
    };
  }, []);

  // At a prompt the stop is its answer; else the run stops after the phase that runs.
  const stop = useCallback(
    () => (pending.current ? answer('stop') : dispatch({ type: 'stop-after-phase' })),
    [answer, dispatch],
  );

  return { word, answer, stop };
}
