/**
 * A GC run, phase by phase: before each phase the console shows what it deletes and
 * asks (No is the default); during it, live progress; at the end, a summary.
 */
import React, { useCallback, useEffect, useRef } from 'react';
import { Box, Text } from 'ink';
import { ProgressBar, Spinner } from '@inkjs/ui';
import type { RunTarget } from '../../../gc/service.js';
import { repoName, type Decision, type Plan, type RepoIdentity } from '../../../gc/types.js';
import { messageOf } from '../../../errors.js';
import { useConsole, useHintScope, useStopOnCtrlC, type ScreenProps } from '../../console-context.js';
import { fit } from '../../fit.js';
import { describeKept, formatBytes, isEmptyPhase, phaseTitle, shortId } from '../../../present.js';
import { confirmationOf, runSummary } from '../../../run-dialogue.js';
import { useSyncReducer } from '../../sync-reducer.js';
import { NoteLines } from '../../notes.js';
import { OutcomeBadge, Toned } from '../../theme.js';
import { TextField } from '../../text-field/text-field.js';
import { INITIAL_RUN, isRunning, runKeyScreen, runReducer, type RunState } from './run-reducer.js';
import { differences, lastCheckLine, phaseLine, promptQuestion } from './run-view.js';
import { useRunKeys } from './use-run-keys.js';

/** Items of the phase the prompt shows before asking. */
const PROMPT_ITEMS = 5;
/** Columns of a running phase's progress bar. */
const PROGRESS_WIDTH = 24;

export function RunScreen({ viewId, active, width, repo, plan }: ScreenProps & {
  repo: RepoIdentity;
  /** The plan the preview showed: the run acts on it. Without one, the run derives its plan under the lock. */
  plan?: Plan;
}): React.JSX.Element | null {
  const app = useConsole();
  const [state, dispatch, current] = useSyncReducer(runReducer, INITIAL_RUN);
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

  useEffect(() => {
    if (app.readOnly) return;
    const { service, graceSeconds } = app;
    let alive = true;
    void (async () => {
      // Read before the run takes the embedded hub's one connection, and said before its first prompt.
      const lastCheck = await service.lastCheck(repo).then((record) => ({ record }), (error: unknown) => ({ error: messageOf(error) }));
      if (alive) dispatch({ type: 'last-check', lastCheck });
      try {
        const target: RunTarget = plan ? { plan, source: 'preview' } : { repo, graceSeconds };
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
        let deleted = false;
        for await (const event of service.run(target, { decide })) {
          if (event.type === 'run-done') deleted = event.result.phases.some((phase) => phase.status === 'done' && !isEmptyPhase(phase));
          if (alive) dispatch({ type: 'event', event, at: app.now() });
        }
        if (deleted) app.dataChanged();
      } catch (error) {
        if (alive) {
          dispatch({ type: 'failed', message: `The run failed: ${messageOf(error)}` });
          app.status(`The run failed: ${messageOf(error).split('\n')[0]}`, 'error');
        }
      }
    })();
    return () => {
      // Leaving the console mid-prompt stops the run rather than leaving the engine waiting.
      alive = false;
      pending.current?.('stop');
    };
  }, []);

  // Ctrl+C and x stop the run alike: after the phase that runs, or at once at a prompt, which they answer.
  const planning = state.stage === 'planning';
  const stop = useStopOnCtrlC(!app.readOnly && isRunning(state), {
    what: 'run',
    after: planning ? 'its plan, before any phase' : 'this phase',
    abandoning: planning ? 'the plan' : 'the phase',
    stop: () => (pending.current ? answer('stop') : dispatch({ type: 'stop-after-phase' })),
    ended: () => current().result?.outcome,
  });
  useRunKeys({ viewId, slug: repo.slug, current, dispatch, answer, stop });
  useHintScope(viewId, active, runKeyScreen(state));

  if (!active) return null;
  if (app.readOnly) return <Text>Read-only: this console does not run GC.</Text>;
  const checkLine = state.lastCheck && lastCheckLine(state.lastCheck, app.now());
  return (
    <Box flexDirection="column">
      {checkLine && <Toned tone={checkLine.tone}>{fit(` ${checkLine.text}`, width)}</Toned>}
      {state.stage === 'planning' ? (
        <Spinner label={`${plan ? 'checking the plan against the hub' : `computing the plan for ${repoName(repo)}`} under the repo's lock…`} />
      ) : state.phases.map((row) => {
        const line = phaseLine(row, state.prompt);
        return (
          <Box key={row.phase} width={width}>
            <Toned tone={line.tone}>{` ${line.glyph} `}</Toned>
            <Text>{`${line.title} `}</Text>
            {line.percent !== undefined && (
              <Box width={PROGRESS_WIDTH} marginRight={2}>
                <ProgressBar value={line.percent} />
              </Box>
            )}
            <Text wrap="truncate-end">{line.detail}</Text>
          </Box>
        );
      })}
      {state.prompt && state.plan && <PromptBox state={state} width={width} />}
      {state.stopAfterPhase && isRunning(state) && (
        <Toned tone="warning">
          {planning ? 'Stopping once the plan is ready: no phase runs.' : 'Stopping after this phase: no phase after it runs.'}
        </Toned>
      )}
      <NoteLines notes={state.log} width={width} />
      {state.result && <Summary state={state} width={width} />}
    </Box>
  );
}

function PromptBox({ state, width }: { state: RunState; width: number }): React.JSX.Element {
  const prompt = state.prompt!;
  const row = state.phases.find((phase) => phase.phase === prompt.phase)!;
  const items = row.plan?.items.slice(0, PROMPT_ITEMS) ?? [];
  const inner = Math.max(10, width - 4);
  return (
    <Box flexDirection="column" borderStyle="round" width={width}>
      <Text bold>{fit(`Phase ${phaseTitle(prompt.phase)}`, inner)}</Text>
      {items.map((item) => (
        <Toned key={item.id} tone="orphaned">
          {fit(`  ✗ ${shortId(item.id)}  ${item.label ?? ''}${item.bytes === undefined ? '' : `  ${formatBytes(item.bytes)}`}`, inner)}
        </Toned>
      ))}
      {row.plan && row.plan.items.length > PROMPT_ITEMS && <Text>{fit(`  … and more (the preview lists them)`, inner)}</Text>}
      {row.plan && row.plan.kept.length > 0 && <Toned tone="kept">{fit(`  ○ kept: ${describeKept(row.plan.kept)}`, inner)}</Toned>}
      <Text bold>{fit(promptQuestion(state.plan!, row.plan!, prompt), inner)}</Text>
      {prompt.slug && <TextField field={prompt.answer.field} />}
      {prompt.answer.mismatch !== '' && <Toned tone="error">{fit(prompt.answer.mismatch, inner)}</Toned>}
    </Box>
  );
}

function Summary({ state, width }: { state: RunState; width: number }): React.JSX.Element {
  const result = state.result!;
  const notes = differences(state.plan, result);
  const [totals, ...lines] = runSummary(result);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold wrap="truncate-end">
        <OutcomeBadge outcome={result.outcome} />
        {` ${totals}`}
      </Text>
      {lines.map((line, index) => (
        <Text key={index}>{fit(line, width)}</Text>
      ))}
      {result.errors.map((error, index) => (
        <Toned key={index} tone="error">{fit(`✗ ${error}`, width)}</Toned>
      ))}
      <Text>{notes.length === 0 ? 'Everything went as the preview said.' : 'Differed from the preview:'}</Text>
      {notes.map((note, index) => (
        <Toned key={index} tone="warning">{fit(`  ${note}`, width)}</Toned>
      ))}
    </Box>
  );
}
