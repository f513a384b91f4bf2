/** The repos table: counts at once, estimates filling in per row, sorted and filtered. */
import type React from 'react';
import { useCallback, useEffect, useMemo } from 'react';
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import { MANIFEST_REFUSAL } from '../../../gc/phases/catalog.js';
import type { Estimate, RepoRow } from '../../../gc/service.js';
import { repoName } from '../../../gc/types.js';
import { useConsole, useHintScope, type ScreenProps } from '../../console-context.js';
import { describeError } from '../../errors.js';
import { fit } from '../../fit.js';
import { describeToDelete } from '../../../present/run.js';
import { formatAgo, formatBytes } from '../../../present/units.js';
import { counted, WORDS } from '../../../present/words.js';
import { useSyncReducer } from '../../sync-reducer.js';
import { Toned } from '../../theme.js';
import { useLoad } from '../../use-load.js';
import { pageRows } from '../../list-state.js';
import { VirtualList } from '../../virtual-list.js';
import { rowsOf, Wrapped } from '../../wrapped.js';
import {
  INITIAL_REPOS,
  passScope,
  type SortKey,
  reposKeyScreen,
  reposReducer,
  selectedRepo,
  shownTotals,
  SORT_TITLES,
} from './repos-reducer.js';
import { totalsLine } from './repos-totals.js';
import { useEstimates } from './use-estimates.js';
import { useSpinnerFrame } from '../../spinner-frame.js';
import { useReposKeys } from './use-repos-keys.js';

interface Column {
  title: string;
  /** The sort that orders the rows by this column, if one does: its title then carries the marker. */
  sort?: SortKey;
  width: number;
  /** Narrow terminals drop the lowest first. */
  priority: number;
  /** The cell's text; null while the estimate is on its way (a spinner's frame). */
  cell: (repo: RepoRow, estimate: Estimate | undefined, now: number) => string | null;
}

/** A cell of the estimate: a spinner's place while it comes, `error` when it failed; a refused repo's counts are what it can still delete. */
const estimated = (field: (estimate: Estimate) => string) => (_: RepoRow, estimate: Estimate | undefined) =>
  estimate === undefined ? null : estimate.error && !estimate.refused ? 'error' : field(estimate);
const count = (value: number | undefined) => (value === undefined ? '?' : value.toLocaleString('en-US'));

/** The words of src/present/words.ts: commits orphaned, commits and objects to delete, the bytes that frees. */
const COLUMNS: Column[] = [
  { title: 'BRANCHES', width: 9, priority: 2, cell: (repo) => String(repo.branches) },
  { title: 'COMMITS', sort: 'commits', width: 9, priority: 5, cell: (repo) => repo.commits.toLocaleString('en-US') },
  { title: 'ORPHANED', sort: 'orphans', width: 10, priority: 6, cell: estimated((e) => count(e.orphanCommits)) },
  { title: 'TO DELETE', sort: 'to-delete', width: 11, priority: 8, cell: estimated((e) => count(e.commitsToDelete)) },
  {
    title: 'OBJECTS',
    width: 9,
    priority: 7,
    cell: estimated((e) => (e.refused ? 'refused' : count(e.objectsToDelete))),
  },
  {
    title: 'RECLAIMABLE',
    sort: 'reclaimable',
    width: 13,
    priority: 9,
    cell: estimated((e) => formatBytes(e.reclaimableBytes)),
  },
  { title: 'LAST PUSH', sort: 'pushed', width: 11, priority: 4, cell: (repo, _, now) => formatAgo(repo.pushedAt, now) },
  { title: 'LAST GC', width: 9, priority: 3, cell: (repo, _, now) => formatAgo(repo.lastGcAt, now) },
  {
    title: 'ESTIMATED',
    width: 10,
    priority: 1,
    cell: (_, estimate, now) => (estimate ? formatAgo(estimate.computedAt, now) : null),
  },
];

const MARKER = 2;
const MIN_NAME = 24;

/** A column's title or cell: right-aligned in its width, with a space before it whatever it holds. */
export function columnCell(text: string, width: number): string {
  return ` ${fit(text, width - 1, 'right')}`;
}

/** The columns that fit `width`, the name column taking what is left. */
export function columnsFor(width: number): { columns: Column[]; nameWidth: number } {
  let columns = COLUMNS;
  const used = () => columns.reduce((sum, column) => sum + column.width, MARKER);
  while (width - used() < MIN_NAME && columns.length > 0) {
    const lowest = Math.min(...columns.map((column) => column.priority));
    columns = columns.filter((column) => column.priority !== lowest);
  }
  return { columns, nameWidth: Math.max(MIN_NAME, width - used()) };
}

/** What the selected repo's estimate says in full words: `25 orphaned commits: 13 to delete, 12 kept · to delete: 13 commits, …`. */
function estimateNote(estimate: Estimate, now: number): string {
  if (estimate.error && !estimate.refused) return `estimate failed: ${estimate.error}`;
  const { commitsToDelete: commits, objectsToDelete: objects } = estimate;
  const counts =
    commits === undefined || objects === undefined
      ? `${counted(estimate.orphanCommits, `${WORDS.orphaned} commit`)} · ${WORDS.toDelete}: ${formatBytes(estimate.reclaimableBytes)} (estimated before commits and objects were counted)`
      : `${counted(estimate.orphanCommits, `${WORDS.orphaned} commit`)}: ${commits.toLocaleString('en-US')} ${WORDS.toDelete}, ` +
        `${(estimate.orphanCommits - commits).toLocaleString('en-US')} ${WORDS.kept} · ${WORDS.toDelete}: ${describeToDelete({ commits, objects, bytes: estimate.reclaimableBytes })}`;
  const { refused: refusedPhases, goOn } = MANIFEST_REFUSAL;
  const refused = estimate.refused
    ? `phases ${refusedPhases} refused (${estimate.refused}); what phases ${goOn} delete: `
    : '';
  return `${refused}${counts} · estimated ${formatAgo(estimate.computedAt, now)}`;
}

export function ReposScreen({ viewId, active, width, height }: ScreenProps): React.JSX.Element | null {
  const app = useConsole();
  const [state, dispatch, current] = useSyncReducer(reposReducer, INITIAL_REPOS);
  const [loaded, reload] = useLoad(() => app.service.listRepos(), `repos@${app.dataVersion}`);

  // app.status changes with any console state (a check, a run): following it would say the failure again
  // over a newer message.
  // biome-ignore lint/correctness/useExhaustiveDependencies: says a failed load once, when it lands
  useEffect(() => {
    if (loaded.state === 'ready') dispatch({ type: 'loaded', repos: loaded.value });
    if (loaded.state === 'failed') app.status(describeError('the repos', loaded.error), 'error');
  }, [loaded, dispatch]);

  const repoIds = useMemo(() => (loaded.state === 'ready' ? loaded.value.map((repo) => repo.repoId) : null), [loaded]);
  const onBatch = useCallback((estimates: Estimate[]) => dispatch({ type: 'estimates', estimates }), [dispatch]);
  const onError = useCallback((message: string) => app.status(message, 'error'), [app]);
  useEstimates(app.service, repoIds, onBatch, onError);

  useHintScope(viewId, active, reposKeyScreen(state));

  const now = app.now();
  const selected = selectedRepo(state);
  const selectedEstimate = selected && state.estimates.get(selected.repoId);
  // The totals read the order, repos and estimates, and a new load makes a new order too; the cursor and the
  // rest of the state must not sum 100,000 rows again at each key.
  // biome-ignore lint/correctness/useExhaustiveDependencies: recomputed on a new order or new estimates only
  const totals = useMemo(() => shownTotals(state), [state.order, state.estimates]);
  // The repos are shown once they are in the list's state, a render after they load (the effect above): until then
  // the list is still loading, and says so, rather than flash "No repos." and "0 of 0".
  const listed = loaded.state === 'ready' && state.repos === loaded.value;
  const count = listed
    ? `${state.order.length.toLocaleString('en-US')} of ${state.repos.length.toLocaleString('en-US')} repos`
    : '';
  const header = ` ${count}  ·  sorted by ${SORT_TITLES[state.sort]}${state.reversed ? ', reversed' : ''}`;
  const filter = state.filtering || state.filter !== '' ? ` filter: /${state.filter}${state.filtering ? '▏' : ''}` : '';
  const totalsText = listed ? ` ${totalsLine(totals, state.filter !== '')}` : ' ';
  const note = selected && selectedEstimate ? ` ${repoName(selected)}: ${estimateNote(selectedEstimate, now)}` : '';
  // The header, the filter, the totals, the column titles and the selected repo's note, each whole.
  const wrappedRows = (text: string) => (text === '' ? 0 : rowsOf(text, width));
  const listHeight = Math.max(
    1,
    height - wrappedRows(header) - wrappedRows(filter) - wrappedRows(totalsText) - 1 - wrappedRows(note),
  );
  useReposKeys({
    viewId,
    readOnly: app.readOnly,
    current,
    dispatch,
    page: pageRows(state.order.length, listHeight),
    onOpen: (repo) =>
      app.push({ kind: 'repo', repo: { repoId: repo.repoId, owner: repo.owner, slug: repo.slug }, tab: 'graph' }),
    onRefresh: () => {
      app.status('');
      reload();
    },
    onCheckAll: () => app.push({ kind: 'hub-check' }),
    onStorage: () => app.push({ kind: 'storage' }),
    onCollectAll: () => {
      const { filter } = current();
      const scope = passScope(current());
      if (scope) app.push({ kind: 'hub-pass', scope });
      else
        app.status(
          filter ? `No repo matches /${filter}: nothing to collect.` : 'The hub has no repos: nothing to collect.',
          'warning',
        );
    },
  });

  const pending = state.order
    .slice(state.list.offset, state.list.offset + listHeight)
    .some((index) => !state.estimates.has(state.repos[index]!.repoId));
  const spinner = useSpinnerFrame(active && pending);
  if (!active) return null;
  const { columns, nameWidth } = columnsFor(width);
  // Biggest first, as sorts start; reversed, smallest first.
  const marker = state.reversed ? '▲' : '▼';

  return (
    <Box flexDirection="column">
      <Wrapped text={header} width={width} />
      {filter !== '' && <Wrapped text={filter} width={width} tone="accent" />}
      <Wrapped text={totalsText} width={width} />
      <Text bold>
        {' '.repeat(MARKER) +
          fit(`REPO${state.sort === 'name' ? ` ${marker}` : ''}`, nameWidth) +
          columns
            .map((column) => columnCell(`${column.sort === state.sort ? marker : ''}${column.title}`, column.width))
            .join('')}
      </Text>
      {!listed && loaded.state !== 'failed' ? (
        <Spinner label="loading repos…" />
      ) : (
        <VirtualList
          count={state.order.length}
          list={state.list}
          height={listHeight}
          empty={
            loaded.state === 'failed'
              ? 'The repos did not load. Press r to retry.'
              : state.filter
                ? `No repo matches /${state.filter}.`
                : 'No repos.'
          }
          renderRow={(index, isSelected) => {
            const repo = state.repos[state.order[index]!]!;
            const estimate = state.estimates.get(repo.repoId);
            // One line of text: each cell is cut and padded to its column, so a spinner or an error cannot move the next.
            return (
              <Text wrap="truncate">
                <Text inverse={isSelected}>{(isSelected ? '▸ ' : '  ') + fit(repoName(repo), nameWidth)}</Text>
                {columns.map((column) => {
                  const text = column.cell(repo, estimate, now);
                  return (
                    <Toned
                      key={column.title}
                      tone={
                        text === 'error'
                          ? 'error'
                          : text === 'refused'
                            ? 'warning'
                            : text === null
                              ? 'muted'
                              : undefined
                      }
                    >
                      {columnCell(text ?? spinner, column.width)}
                    </Toned>
                  );
                })}
              </Text>
            );
          }}
        />
      )}
      {note !== '' && (
        <Wrapped
          text={note}
          width={width}
          tone={selectedEstimate?.refused ? 'warning' : selectedEstimate?.error ? 'error' : 'muted'}
        />
      )}
    </Box>
  );
}
