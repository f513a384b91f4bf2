/**
 * The blob store's strays (keys under objects/ that no row names): what the last dry run
 * counted and how old that is, the last sweep; d runs a dry run again, D a sweep that asks
 * for a typed word once it knows its strays, with live progress either way.
 */
import type React from 'react';
import { useEffect } from 'react';
import { Box, Text } from 'ink';
import { ProgressBar, Spinner } from '@inkjs/ui';
import { SWEEP_GRACE_SECONDS } from '../../../gc/sweep/types.js';
import { describeSweepResult } from '../../../present/sweep.js';
import { formatGrace } from '../../../present/units.js';
import { useConsole, useHintScope, useStopOnCtrlC, type ScreenProps } from '../../console-context.js';
import { describeError } from '../../errors.js';
import type { PagerLine } from '../../line-pager.js';
import { useSyncReducer } from '../../sync-reducer.js';
import { OutcomeBadge, Toned } from '../../theme.js';
import { confirmationRows, TypedConfirmation } from '../../text-field/typed-confirmation.js';
import { useLoad } from '../../use-load.js';
import { rowsOf, Wrapped } from '../../wrapped.js';
import { INITIAL_STORAGE, isSweeping, storageKeyScreen, storageReducer } from './storage-reducer.js';
import { lastSweepLines, sweepLines, sweepQuestion } from './storage-view.js';
import { useStorageKeys } from './use-storage-keys.js';
import { useSweep } from './use-sweep.js';

/** Columns of the batches' progress bar. */
const PROGRESS_WIDTH = 24;

export function StorageScreen({ viewId, active, width, height }: ScreenProps): React.JSX.Element | null {
  const app = useConsole();
  const [loaded, reload] = useLoad(
    () => Promise.all([app.service.lastSweep({ dryRun: true }), app.service.lastSweep({ dryRun: false })]),
    'last sweeps',
  );
  const [state, dispatch, current] = useSyncReducer(storageReducer, INITIAL_STORAGE);
  // app.status changes with any console state (a check, a run): following it would say the failure again
  // over a newer message.
  // biome-ignore lint/correctness/useExhaustiveDependencies: says a failed load once, when it lands
  useEffect(() => {
    if (loaded.state === 'failed') app.status(describeError('the last sweeps', loaded.error), 'error');
  }, [loaded]);
  const { start, answer, stop } = useSweep(dispatch, reload);
  // Ctrl+C and x stop a sweep alike; the question it waits on, Ctrl+C answers no.
  const stopSweep = useStopOnCtrlC(isSweeping(state), {
    what: 'sweep',
    after: 'this batch',
    abandoning: 'the batch',
    stop: () => (current().stage === 'asking' ? answer(false) : stop()),
    ended: () => current().result?.outcome,
  });
  useHintScope(viewId, active, storageKeyScreen(state));
  useStorageKeys({
    viewId,
    current,
    dispatch,
    onStart: start,
    onAnswer: answer,
    onStop: stopSweep,
    onRefresh: () => {
      app.status('');
      reload();
    },
  });

  if (!active) return null;
  const store = app.service.canCollect ? '' : ' · no blob store is configured (MUSEHUB_STORAGE or --storage)';
  const title = `Strays: keys under objects/ that no row names, older than ${formatGrace(SWEEP_GRACE_SECONDS)}${store}`;
  const question =
    state.stage === 'asking' && state.found ? sweepQuestion(state.found, SWEEP_GRACE_SECONDS, app.service.label) : null;
  const recorded = loaded.state === 'ready' ? lastSweepLines(loaded.value[0], loaded.value[1], app.now()) : [];
  const lines = sweepLines(state, SWEEP_GRACE_SECONDS);
  // Where the view's lines and the question do not all fit, the question has the screen: it is what the keys answer.
  const aboveRows = [title, ...recorded.map((line) => line.text), '', ...lines.map((line) => line.text)].reduce(
    (rows, line) => rows + rowsOf(line, width),
    0,
  );
  if (question && aboveRows + confirmationRows(question.what, question.ask, state.answer, width) > height)
    return <TypedConfirmation {...question} answer={state.answer} width={width} height={height} />;
  return (
    <Box flexDirection="column">
      <Wrapped text={title} width={width} />
      {loaded.state === 'loading' ? (
        <Spinner label="reading the last dry run and sweep…" />
      ) : loaded.state === 'failed' ? (
        <Text>The last sweeps did not load. Press r to retry.</Text>
      ) : (
        <Lines lines={recorded} />
      )}
      <Box marginTop={1} flexDirection="column">
        <Lines lines={lines} />
        {state.stage === 'batches' && state.progress && (
          <Box width={PROGRESS_WIDTH}>
            <ProgressBar value={(100 * state.progress.done) / Math.max(1, state.progress.total)} />
          </Box>
        )}
        {question && (
          <TypedConfirmation {...question} answer={state.answer} width={width} height={height - aboveRows} />
        )}
        {state.result && (
          <Text>
            <OutcomeBadge outcome={state.result.outcome} />
            {` ${describeSweepResult(state.result)}`}
          </Text>
        )}
        {state.result?.errors.map((error, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a sweep's errors are fixed text that may repeat.
          <Wrapped key={index} text={`✗ ${error}`} width={width} tone="error" />
        ))}
      </Box>
    </Box>
  );
}

function Lines({ lines }: { lines: readonly PagerLine[] }): React.JSX.Element {
  return (
    <>
      {lines.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: pager lines are stateless text that may repeat.
        <Toned key={index} tone={line.tone}>
          {line.text}
        </Toned>
      ))}
    </>
  );
}
