/** Past GC runs of the repo, newest first: a table of the runs that fit, and the errors of the one at the cursor. */
import type React from 'react';
import { useEffect } from 'react';
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import { Table, type CellProps } from '@alcalzone/ink-table';
import type { RepoIdentity } from '../../../gc/types.js';
import { useConsole, useHintScope, type ScreenProps } from '../../console-context.js';
import { describeError } from '../../errors.js';
import { EMPTY_LIST, listReducer, listWindow, pageRows } from '../../list-state.js';
import { useSyncReducer } from '../../sync-reducer.js';
import { ColumnRules, Heading } from '../../table.js';
import { OutcomeBadge } from '../../theme.js';
import { useLoad } from '../../use-load.js';
import { ListPosition } from '../../virtual-list.js';
import { rowsOf, Wrapped } from '../../wrapped.js';
import { containing } from '../../search/search-reducer.js';
import { Highlighted, SearchLine, searchRows } from '../../search/search-line.js';
import { useListSearch } from '../../search/use-list-search.js';
import { historyTable, runErrors, runText, type HistoryColumn } from './history-rows.js';
import { useHistoryKeys } from './use-history-keys.js';

const RUN_CELLS = new Map<string, (props: CellProps) => React.JSX.Element>();

/**
 * The cells of a table of these columns: the outcome's in a badge, what the search finds
 * highlighted. ink-table keeps the cell component it was first drawn with, so the table is keyed
 * by its columns and the search, and each has its component, made once.
 */
function runCell(columns: readonly HistoryColumn[], needle: string): (props: CellProps) => React.JSX.Element {
  const key = tableKey(columns, needle);
  let cell = RUN_CELLS.get(key);
  if (!cell) {
    const outcomeAt = columns.indexOf('OUTCOME');
    cell = ({ column, children }) => {
      const text = String(children);
      if (column !== outcomeAt)
        return (
          <Text>
            <Highlighted text={text} needle={needle} />
          </Text>
        );
      // The badge pads its word with a space either side, where the cell had its padding.
      const outcome = text.trim();
      return (
        <Text>
          <OutcomeBadge outcome={outcome} />
          {' '.repeat(Math.max(0, text.length - outcome.length - 2))}
        </Text>
      );
    };
    RUN_CELLS.set(key, cell);
  }
  return cell;
}

function tableKey(columns: readonly HistoryColumn[], needle: string): string {
  return `${columns.join('|')}/${needle}`;
}

export function HistoryScreen({
  viewId,
  active,
  width,
  height,
  repo,
}: ScreenProps & { repo: RepoIdentity }): React.JSX.Element | null {
  const app = useConsole();
  const [loaded, reload] = useLoad(() => app.service.history(repo), `${repo.repoId}@${app.dataVersion}`);
  const [list, dispatch, currentList] = useSyncReducer(listReducer, EMPTY_LIST);
  const runs = loaded.state === 'ready' ? loaded.value : [];
  const now = app.now();
  const search = useListSearch({
    count: runs.length,
    matches: containing((index) => runText(runs[index]!, now)),
    cursor: () => currentList().cursor,
    jump: (cursor) => dispatch({ type: 'place', cursor, count: runs.length, page: listHeight }),
  });
  // app.status changes with any console state (a check, a run): following it would say the failure again
  // over a newer message.
  // biome-ignore lint/correctness/useExhaustiveDependencies: says a failed load once, when it lands
  useEffect(() => {
    if (loaded.state === 'failed') app.status(describeError('the history', loaded.error), 'error');
  }, [loaded]);
  const errors = runs.length > 0 ? runErrors(runs[Math.min(list.cursor, runs.length - 1)]!) : '';
  // The headings, the search's line, and the errors of the run at the cursor, whole.
  const listHeight = Math.max(
    1,
    height - 1 - searchRows(search.state) - (errors === '' ? 0 : rowsOf(`✗ ${errors}`, width)),
  );
  useHintScope(viewId, active, search.typing ? 'search' : 'history');
  useHistoryKeys({
    viewId,
    repo,
    search,
    count: runs.length,
    page: pageRows(runs.length, listHeight),
    dispatch,
    onRefresh: reload,
    onOpen: () => {
      const run = runs[currentList().cursor];
      if (run) app.push({ kind: 'run-record', repo, run });
    },
  });

  if (!active) return null;
  if (loaded.state === 'loading') return <Spinner label="loading past runs…" />;
  if (runs.length === 0) {
    return (
      <Text>
        {loaded.state === 'failed' ? 'Past runs did not load. Press r to retry.' : 'No GC has run on this repo yet.'}
      </Text>
    );
  }
  const window = listWindow(list, runs.length, listHeight);
  const { columns, rows } = historyTable(runs, window, list.cursor, now, width);
  const keys = columns.map((column) => column.key);
  return (
    <Box flexDirection="column">
      <Table
        key={tableKey(keys, search.needle)}
        data={rows}
        columns={columns}
        skeleton={ColumnRules}
        header={Heading}
        cell={runCell(keys, search.needle)}
      />
      {!window.fits && <ListPosition {...window} count={runs.length} />}
      <SearchLine state={search.state} />
      {errors !== '' && <Wrapped text={`✗ ${errors}`} width={width} tone="error" />}
    </Box>
  );
}
