/** The repos table's state: rows, estimates as they arrive, sort, filter and cursor (pure). */
import type { Estimate, RepoRow } from '../../../gc/service.js';
import { repoName } from '../../../gc/types.js';
import type { KeyAction, ScreenName } from '../../keymap.js';
import { EMPTY_LIST, moveList, placeCursor, type ListState } from '../../list-state.js';
import type { PassScope } from '../hub-pass/hub-pass-reducer.js';
import { estimatedTotals, type EstimatedTotals } from './repos-totals.js';

export const SORTS = ['reclaimable', 'orphans', 'to-delete', 'commits', 'pushed', 'name'] as const;
export type SortKey = (typeof SORTS)[number];

export const SORT_TITLES: Record<SortKey, string> = {
  reclaimable: 'reclaimable bytes',
  orphans: 'orphaned commits',
  'to-delete': 'commits to delete',
  commits: 'commits',
  pushed: 'last push',
  name: 'name',
};

export interface ReposState {
  repos: readonly RepoRow[];
  estimates: ReadonlyMap<string, Estimate>;
  sort: SortKey;
  /** The sort turned around: smallest first (names from z). */
  reversed: boolean;
  filter: string;
  /** The operator is typing a filter. */
  filtering: boolean;
  /** Indices into `repos` in display order, after the filter. */
  order: number[];
  list: ListState;
  /** The repo the operator moved to, kept under the cursor while estimates re-sort the rows; null until they move. */
  selectedId: string | null;
}

export type ReposAction =
  | { type: 'loaded'; repos: readonly RepoRow[] }
  | { type: 'estimates'; estimates: readonly Estimate[] }
  | { type: 'move'; action: KeyAction; page: number }
  | { type: 'sort' }
  | { type: 'reverse-sort' }
  /** Keeps the repo under the cursor there whatever re-sorts the rows: the repo opened is where Esc comes back to. */
  | { type: 'hold-selection' }
  | { type: 'filter-start' }
  | { type: 'filter-type'; text: string }
  | { type: 'filter-erase' }
  | { type: 'filter-apply' }
  | { type: 'filter-clear' };

export const INITIAL_REPOS: ReposState = {
  repos: [],
  estimates: new Map(),
  sort: 'reclaimable',
  reversed: false,
  filter: '',
  filtering: false,
  order: [],
  list: EMPTY_LIST,
  selectedId: null,
};

function compareBy(sort: SortKey, estimates: ReadonlyMap<string, Estimate>) {
  const byName = (a: RepoRow, b: RepoRow) => repoName(a).localeCompare(repoName(b));
  // Repos whose estimate has not arrived, or failed, sort after those that have one.
  const value = (repo: RepoRow, field: 'reclaimableBytes' | 'orphanCommits' | 'commitsToDelete') => {
    const estimate = estimates.get(repo.repoId);
    return estimate && (!estimate.error || estimate.refused) ? (estimate[field] ?? -1) : -1;
  };
  const byEstimate = (field: 'reclaimableBytes' | 'orphanCommits' | 'commitsToDelete') => (a: RepoRow, b: RepoRow) =>
    value(b, field) - value(a, field) || byName(a, b);
  const comparers: Record<SortKey, (a: RepoRow, b: RepoRow) => number> = {
    reclaimable: byEstimate('reclaimableBytes'),
    orphans: byEstimate('orphanCommits'),
    'to-delete': byEstimate('commitsToDelete'),
    commits: (a, b) => b.commits - a.commits || byName(a, b),
    pushed: (a, b) => (b.pushedAt ?? '').localeCompare(a.pushedAt ?? '') || byName(a, b),
    name: byName,
  };
  return comparers[sort];
}

/** Recomputes the display order and keeps the cursor on the selected repo. */
function arrange(state: ReposState, page = 1): ReposState {
  const needle = state.filter.toLowerCase();
  const forward = compareBy(state.sort, state.estimates);
  const compare = state.reversed ? (a: RepoRow, b: RepoRow) => forward(b, a) : forward;
  const order = state.repos
    .map((_, index) => index)
    .filter((index) => needle === '' || repoName(state.repos[index]!).toLowerCase().includes(needle))
    .sort((a, b) => compare(state.repos[a]!, state.repos[b]!));
  const at =
    state.selectedId === null ? -1 : order.findIndex((index) => state.repos[index]!.repoId === state.selectedId);
  return { ...state, order, list: placeCursor(state.list, at === -1 ? state.list.cursor : at, order.length, page) };
}

function withSelection(state: ReposState): ReposState {
  const index = state.order[state.list.cursor];
  return { ...state, selectedId: index === undefined ? null : state.repos[index]!.repoId };
}

/** The keys the repos view answers to: the filter's while one is typed. */
export function reposKeyScreen(state: ReposState): Extract<ScreenName, 'filter' | 'repos'> {
  return state.filtering ? 'filter' : 'repos';
}

/** The repo under the cursor. */
export function selectedRepo(state: ReposState): RepoRow | undefined {
  const index = state.order[state.list.cursor];
  return index === undefined ? undefined : state.repos[index];
}

/** The totals of the repos the table shows (all, or the filter's), by the estimates so far. */
export function shownTotals(state: ReposState): EstimatedTotals {
  return estimatedTotals(
    state.order.map((index) => state.repos[index]!.repoId),
    state.estimates,
  );
}

/** What a pass started now would collect: every repo, or those the filter shows; null when the filter shows none. */
export function passScope(state: ReposState): PassScope | null {
  if (state.order.length === 0) return null;
  const totals = shownTotals(state);
  if (state.filter === '') return { filter: '', totals };
  return { repoIds: state.order.map((index) => state.repos[index]!.repoId), filter: state.filter, totals };
}

export function reposReducer(state: ReposState, action: ReposAction): ReposState {
  switch (action.type) {
    case 'loaded':
      return arrange({ ...state, repos: action.repos, estimates: new Map() });
    case 'estimates': {
      const estimates = new Map(state.estimates);
      for (const estimate of action.estimates) estimates.set(estimate.repoId, estimate);
      return arrange({ ...state, estimates });
    }
    case 'move':
      return withSelection({ ...state, list: moveList(state.list, action.action, state.order.length, action.page) });
    case 'sort':
      return arrange({ ...state, sort: SORTS[(SORTS.indexOf(state.sort) + 1) % SORTS.length]!, reversed: false });
    case 'reverse-sort':
      return arrange({ ...state, reversed: !state.reversed });
    case 'hold-selection':
      return withSelection(state);
    case 'filter-start':
      return { ...state, filtering: true };
    case 'filter-type':
      return arrange({ ...state, filter: state.filter + action.text });
    case 'filter-erase':
      return arrange({ ...state, filter: [...state.filter].slice(0, -1).join('') });
    case 'filter-apply':
      return { ...state, filtering: false };
    case 'filter-clear':
      return arrange({ ...state, filter: '', filtering: false });
  }
}
