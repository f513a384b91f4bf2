/** A repo's integrity check: when it last ran and what it found, each kind explained with its ids; c checks again. */
import type React from 'react';
import { useEffect, useMemo } from 'react';
import { Box } from 'ink';
import { Spinner } from '@inkjs/ui';
import { repoName, type RepoIdentity } from '../../../gc/types.js';
import { useConsole, useHintScope, type ScreenProps } from '../../console-context.js';
import { describeError } from '../../errors.js';
import { fit } from '../../fit.js';
import { pageRows } from '../../list-state.js';
import { useSyncReducer } from '../../sync-reducer.js';
import { NoteLines, noteRows } from '../../notes.js';
import { rowsOf, Wrapped } from '../../wrapped.js';
import { Toned } from '../../theme.js';
import { useCheck } from '../../use-check.js';
import { useLoad } from '../../use-load.js';
import { VirtualList } from '../../virtual-list.js';
import { containing } from '../../search/search-reducer.js';
import { Highlighted } from '../../search/search-line.js';
import { useListSearch } from '../../search/use-list-search.js';
import { checkSummary, findingLines, shownCheck } from './check-lines.js';
import { checkKeyScreen, checkReducer, INITIAL_CHECK } from './check-reducer.js';
import { useCheckKeys } from './use-check-keys.js';

export function CheckScreen({
  viewId,
  active,
  width,
  height,
  repo,
}: ScreenProps & { repo: RepoIdentity }): React.JSX.Element | null {
  const app = useConsole();
  const [recorded] = useLoad(() => app.service.lastCheck(repo), `${repo.repoId}@${app.dataVersion}`);
  const [state, dispatch, current] = useSyncReducer(checkReducer, INITIAL_CHECK);
  // app.status changes with any console state (a check, a run): following it would say the failure again
  // over a newer message.
  // biome-ignore lint/correctness/useExhaustiveDependencies: says a failed load once, when it lands
  useEffect(() => {
    if (recorded.state === 'failed') app.status(describeError('the last check', recorded.error), 'error');
  }, [recorded]);

  const session = app.checks.get(repo.repoId);
  const record = recorded.state === 'ready' ? recorded.value : null;
  const shown = useMemo(() => shownCheck(session, record), [session, record]);
  const lines = useMemo(() => findingLines(shown, width), [shown, width]);
  const check = useCheck(
    (event) => dispatch({ type: 'event', event }),
    (message) => {
      dispatch({ type: 'failed', message });
      app.status(`The check failed: ${message.split('\n')[0]}`, 'error');
    },
  );
  const summary = recorded.state === 'loading' && !shown ? 'reading the last check…' : checkSummary(shown, app.now());
  // The line about the check (or its progress), and what it could not do, whole.
  const listHeight = Math.max(1, height - (state.checking ? 1 : rowsOf(summary, width)) - noteRows(state.notes, width));
  const page = pageRows(lines.length, listHeight);
  const search = useListSearch({
    count: lines.length,
    matches: containing((index) => lines[index]!.text),
    cursor: () => current().list.cursor,
    jump: (cursor) => dispatch({ type: 'place', cursor, count: lines.length, page }),
  });
  useHintScope(viewId, active, search.typing ? 'search' : checkKeyScreen(state));
  useCheckKeys({
    viewId,
    repo,
    current,
    dispatch,
    search,
    count: lines.length,
    page,
    onCheck: () => {
      // A failure the status line still says would contradict the check now under way.
      app.status('');
      dispatch({ type: 'start' });
      check({ repo });
    },
  });

  if (!active) return null;
  const step = state.step
    ? `${state.step.step}${state.step.total > 0 ? ` ${state.step.done}/${state.step.total}` : ''}`
    : 'starting';
  return (
    <Box flexDirection="column">
      {state.checking ? (
        <Spinner label={`checking ${repoName(repo)}: ${step}… (nothing is changed)`} />
      ) : (
        <Wrapped text={summary} width={width} />
      )}
      <NoteLines notes={state.notes} width={width} />
      <VirtualList
        count={lines.length}
        list={state.list}
        height={listHeight}
        empty=""
        search={search.state}
        renderRow={(index, selected) => {
          const line = lines[index]!;
          return (
            <Toned tone={line.tone} inverse={selected}>
              <Highlighted text={fit(line.text, width)} needle={search.needle} />
            </Toned>
          );
        }}
      />
    </Box>
  );
}
