/**
 * GC of every repo, or of those the repos list's filter shows: one confirmation that states what
 * the estimates say and wants the hub's label typed; then each repo's state as the pass goes, the
 * pass's progress, rate and ETA, and x to stop it after the repos in flight; then its summary.
 */
import type React from 'react';
import { useMemo } from 'react';
import { Box, Text } from 'ink';
import { ProgressBar, Spinner } from '@inkjs/ui';
import { repoName } from '../../../gc/types.js';
import { describeHubProgress, describeHubResult } from '../../../present/hub.js';
import { useConsole, useHintScope, useStopOnCtrlC, type ScreenProps } from '../../console-context.js';
import { fit } from '../../fit.js';
import { pageRows } from '../../list-state.js';
import { NoteLines, noteRows } from '../../notes.js';
import { rowsOf } from '../../wrapped.js';
import { useSpinnerFrame } from '../../spinner-frame.js';
import { useSyncReducer } from '../../sync-reducer.js';
import { TypedConfirmation } from '../../text-field/typed-confirmation.js';
import { OutcomeBadge, Toned } from '../../theme.js';
import { VirtualList } from '../../virtual-list.js';
import { hubPassKeyScreen, hubPassReducer, INITIAL_HUB_PASS, isPassing, type PassScope } from './hub-pass-reducer.js';
import { containing } from '../../search/search-reducer.js';
import { Highlighted } from '../../search/search-line.js';
import { useListSearch } from '../../search/use-list-search.js';
import { passQuestion, repoLine } from './hub-pass-view.js';
import { useHubPass } from './use-hub-pass.js';
import { useHubPassKeys } from './use-hub-pass-keys.js';

/** Columns of the progress bar. */
const PROGRESS_WIDTH = 24;
/** Columns the progress words need beside the bar: repos, rows, bytes, rate and ETA. */
const WORDS_BESIDE_BAR = 80;
/** The repo column at its widest. */
const NAME_MOST = 40;

export function HubPassScreen({
  viewId,
  active,
  width,
  height,
  scope,
}: ScreenProps & { scope: PassScope }): React.JSX.Element | null {
  const app = useConsole();
  const [state, dispatch, current] = useSyncReducer(hubPassReducer, INITIAL_HUB_PASS);
  const { start, stop } = useHubPass(dispatch);
  // Ctrl+C and x stop the pass alike.
  const stopPass = useStopOnCtrlC(isPassing(state), {
    what: 'pass',
    after: 'the repos in flight',
    abandoning: 'their runs',
    stop,
    ended: () => current().result?.outcome,
  });

  // The line of progress or the summary, the notes, and the line that says the pass is stopping.
  const summary = state.result
    ? `${' '.repeat(state.result.outcome.length + 2)} ${describeHubResult(state.result)}`
    : '';
  const listHeight = Math.max(
    1,
    height -
      (summary === '' ? 1 : rowsOf(summary, width)) -
      noteRows(state.notes, width) -
      (state.stopping && !state.result ? 1 : 0),
  );
  const spinner = useSpinnerFrame(active && state.running.size > 0);
  const page = pageRows(state.order.length, listHeight);
  const search = useListSearch({
    count: state.order.length,
    matches: containing((index) => {
      const repo = state.order[index]!;
      return `${repoName(repo)} ${repoLine(state, repo, spinner).text}`;
    }),
    cursor: () => current().list.cursor,
    jump: (cursor) => dispatch({ type: 'place', cursor, page }),
  });
  useHintScope(viewId, active, search.typing ? 'search' : hubPassKeyScreen(state));
  useHubPassKeys({
    viewId,
    current,
    dispatch,
    search,
    page,
    label: app.service.label,
    onStart: () => start(scope),
    onDecline: () => {
      app.pop();
      app.status('Nothing was collected: the pass was declined.', 'warning');
    },
    onStop: stopPass,
    onOpen: (repo) => app.push({ kind: 'repo', repo, tab: 'history' }),
  });
  const nameWidth = useMemo(
    () => Math.min(NAME_MOST, Math.max(4, ...state.order.map((repo) => repoName(repo).length))),
    [state.order],
  );

  if (!active) return null;
  if (app.readOnly) return <Text>Read-only: this console does not run GC.</Text>;
  if (state.stage === 'asking') {
    return (
      <TypedConfirmation
        {...passQuestion(scope, app.service.label, app.service.hubWorkers)}
        answer={state.answer}
        width={width}
        height={height}
      />
    );
  }
  const { progress, result } = state;
  return (
    <Box flexDirection="column">
      {result ? (
        <Text>
          <OutcomeBadge outcome={result.outcome} />
          {` ${describeHubResult(result)}`}
        </Text>
      ) : progress ? (
        <ProgressLine
          text={describeHubProgress(progress, 'run')}
          percent={(100 * progress.finished) / Math.max(1, progress.total)}
          width={width}
        />
      ) : state.stage === 'failed' ? (
        <Text>The pass did not run: Esc goes back to the repos.</Text>
      ) : (
        <Spinner label="beginning the pass…" />
      )}
      <NoteLines notes={state.notes} width={width} />
      {state.stopping && !result && (
        <Toned tone="warning">Stopping after the repos in flight: no new repo starts.</Toned>
      )}
      <VirtualList
        count={state.order.length}
        list={state.list}
        height={listHeight}
        empty=""
        search={search.state}
        renderRow={(index, selected) => {
          const repo = state.order[index]!;
          const line = repoLine(state, repo, spinner);
          return (
            <Text wrap="truncate">
              <Text inverse={selected}>
                {`${selected ? '▸' : ' '} `}
                <Highlighted text={fit(repoName(repo), nameWidth)} needle={search.needle} />
              </Text>
              <Toned tone={line.tone}>
                {`  ${line.glyph} `}
                <Highlighted text={line.text} needle={search.needle} />
              </Toned>
            </Text>
          );
        }}
      />
    </Box>
  );
}

/** The pass's progress in words, after a bar where the words' counts, rate and ETA still fit beside it (the repos in flight may be cut). */
function ProgressLine({ text, percent, width }: { text: string; percent: number; width: number }): React.JSX.Element {
  if (width - PROGRESS_WIDTH - 2 < WORDS_BESIDE_BAR) return <Text wrap="truncate-end">{text}</Text>;
  return (
    <Box width={width}>
      {/* Never shrunk by the words: the bar draws the width it measured in the frame before. */}
      <Box width={PROGRESS_WIDTH} flexShrink={0} marginRight={2}>
        <ProgressBar value={percent} />
      </Box>
      <Text wrap="truncate-end">{text}</Text>
    </Box>
  );
}
