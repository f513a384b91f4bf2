/** Every repo checked in turn, with progress; then each repo clean or its problems counted, and Enter opens one's findings. */
import type React from 'react';
import { useEffect } from 'react';
import { Box, Text } from 'ink';
import { ProgressBar } from '@inkjs/ui';
import { recordOf } from '../../../gc/check/types.js';
import type { RepoCheck } from '../../../gc/service.js';
import { repoName } from '../../../gc/types.js';
import { useConsole, useHintScope, type ScreenProps } from '../../console-context.js';
import { fit } from '../../fit.js';
import { pageRows } from '../../list-state.js';
import { describeCheckOutcome, describeCheckReport, describeProblem } from '../../../present/check.js';
import { counted } from '../../../present/words.js';
import { useSyncReducer } from '../../sync-reducer.js';
import { NoteLines, noteRows } from '../../notes.js';
import { rowsOf, Wrapped } from '../../wrapped.js';
import { Toned } from '../../theme.js';
import { useCheck } from '../../use-check.js';
import { VirtualList } from '../../virtual-list.js';
import { containing } from '../../search/search-reducer.js';
import { Highlighted } from '../../search/search-line.js';
import { useListSearch } from '../../search/use-list-search.js';
import { hubCheckKeyScreen, hubCheckReducer, INITIAL_HUB_CHECK } from './hub-check-reducer.js';
import { useHubCheckKeys } from './use-hub-check-keys.js';

/** Columns of the progress bar. */
const PROGRESS_WIDTH = 24;
/** Notes shown above the results; the rest are counted. */
const NOTES_SHOWN = 3;
/** The repo column at its widest. */
const NAME_MOST = 40;

/** A repo's result: `clean`, its one kind of problem, or `22 problems of 4 kinds, the first: 1 live snapshot…`. */
function resultText(result: RepoCheck): string {
  const [first, ...others] = result.problems;
  if (!first) return describeCheckOutcome(recordOf(result));
  const problem = describeProblem(first.kind, first.count);
  if (others.length === 0) return problem;
  return `${describeCheckOutcome(recordOf(result))} of ${counted(result.problems.length, 'kind')}, the first: ${problem}`;
}

export function HubCheckScreen({ viewId, active, width, height }: ScreenProps): React.JSX.Element | null {
  const app = useConsole();
  const [state, dispatch, current] = useSyncReducer(hubCheckReducer, INITIAL_HUB_CHECK);
  const check = useCheck(
    (event) => dispatch({ type: 'event', event }),
    (message) => {
      dispatch({ type: 'failed', message });
      app.status(`The check failed: ${message.split('\n')[0]}`, 'error');
    },
  );
  const start = () => {
    // A failure the status line still says would contradict the check now under way.
    app.status('');
    dispatch({ type: 'start' });
    check({ all: true });
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: one hub check when the screen opens; r starts the next
  useEffect(start, []);

  const notes = state.notes.slice(0, NOTES_SHOWN);
  const hidden = state.notes.length - notes.length;
  // The line of progress or the summary, the notes, and the line that counts the notes left out.
  const report = state.report ? describeCheckReport(state.report, app.service.label) : '';
  const listHeight = Math.max(
    1,
    height - (report === '' ? 1 : rowsOf(report, width)) - noteRows(notes, width) - (hidden > 0 ? 1 : 0),
  );
  const page = pageRows(state.results.length, listHeight);
  const search = useListSearch({
    count: state.results.length,
    matches: containing((index) => {
      const result = state.results[index]!;
      return `${repoName(result.repo)} ${resultText(result)}`;
    }),
    cursor: () => current().list.cursor,
    jump: (cursor) => dispatch({ type: 'place', cursor, page }),
  });
  useHintScope(viewId, active, search.typing ? 'search' : hubCheckKeyScreen(state));
  useHubCheckKeys({
    viewId,
    current,
    dispatch,
    search,
    page,
    onOpen: (result) => app.push({ kind: 'repo', repo: result.repo, tab: 'check' }),
    onCheck: start,
  });

  if (!active) return null;
  const nameWidth = Math.min(NAME_MOST, Math.max(4, ...state.results.map((result) => repoName(result.repo).length)));
  const { current: on } = state;
  return (
    <Box flexDirection="column">
      {state.report ? (
        <Wrapped text={report} width={width} />
      ) : on ? (
        <Box width={width}>
          <Box width={PROGRESS_WIDTH} marginRight={2}>
            <ProgressBar value={(100 * on.index) / Math.max(1, on.total)} />
          </Box>
          <Text wrap="truncate-end">
            {`checking ${(on.index + 1).toLocaleString('en-US')} of ${counted(on.total, 'repo')}: ${repoName(on.repo)}${on.step ? ` (${on.step})` : ''}… nothing is changed`}
          </Text>
        </Box>
      ) : (
        <Text>{state.checking ? 'listing the repos…' : 'The check did not run: c tries again.'}</Text>
      )}
      <NoteLines notes={notes} width={width} />
      {hidden > 0 && <Toned tone="warning">{fit(`! and ${counted(hidden, 'more warning')}`, width)}</Toned>}
      <VirtualList
        count={state.results.length}
        list={state.list}
        height={listHeight}
        empty=""
        search={search.state}
        renderRow={(index, selected) => {
          const result = state.results[index]!;
          return (
            <Text wrap="truncate">
              <Text inverse={selected}>
                {`${selected ? '▸' : ' '} `}
                <Highlighted text={fit(repoName(result.repo), nameWidth)} needle={search.needle} />
              </Text>
              <Toned tone={result.clean ? 'done' : 'error'}>
                {`  ${result.clean ? '✔' : '✗'} `}
                <Highlighted text={resultText(result)} needle={search.needle} />
              </Toned>
            </Text>
          );
        }}
      />
    </Box>
  );
}
