/** The check of every repo (pure): which repo it is on and what it is busy with, each repo's result, the cursor. */
import type { CheckEvent, CheckReport, CheckStep, RepoCheck } from '../../../gc/check/types.js';
import type { RepoIdentity } from '../../../gc/types.js';
import type { KeyAction, ScreenName } from '../../keymap.js';
import { EMPTY_LIST, moveList, placeCursor, type ListState } from '../../list-state.js';
import type { Note } from '../../notes.js';

export interface HubCheckState {
  checking: boolean;
  /** The repo being checked, its place in the hub, and what the check is busy with. */
  current: { repo: RepoIdentity; index: number; total: number; step: CheckStep | null } | null;
  /** Each repo checked so far: in the order checked, then, once the check is done, those with problems first. */
  results: RepoCheck[];
  /** The whole check's report, once it is done. */
  report: CheckReport | null;
  /** What the check could not do (record a result, look up cache blobs), or why it did not run. */
  notes: Note[];
  list: ListState;
}

export type HubCheckAction =
  | { type: 'start' }
  | { type: 'event'; event: CheckEvent }
  | { type: 'failed'; message: string }
  | { type: 'move'; action: KeyAction; page: number }
  | { type: 'place'; cursor: number; page: number };

export const INITIAL_HUB_CHECK: HubCheckState = {
  checking: false,
  current: null,
  results: [],
  report: null,
  notes: [],
  list: EMPTY_LIST,
};

/** The keys the view answers to: without the one that checks again while a check is under way. */
export function hubCheckKeyScreen(state: HubCheckState): Extract<ScreenName, 'hub-check' | 'hub-checking'> {
  return state.checking ? 'hub-checking' : 'hub-check';
}

/** The repo's result under the cursor. */
export function selectedResult(state: HubCheckState): RepoCheck | undefined {
  return state.results[state.list.cursor];
}

function onEvent(state: HubCheckState, event: CheckEvent): HubCheckState {
  switch (event.type) {
    case 'repo-start':
      return { ...state, current: { repo: event.repo, index: event.index, total: event.total, step: null } };
    case 'progress':
      return state.current ? { ...state, current: { ...state.current, step: event.step } } : state;
    case 'repo-done':
      return { ...state, results: [...state.results, event.result] };
    case 'warning':
      return { ...state, notes: [...state.notes, { tone: 'warning', text: event.message }] };
    case 'check-done':
      return { ...problemsFirst(state), checking: false, current: null, report: event.report };
  }
}

/** The results with the repos that have problems first, then the clean ones, each in the order checked; the cursor stays on its repo. */
function problemsFirst(state: HubCheckState): HubCheckState {
  const selected = selectedResult(state);
  const results = [
    ...state.results.filter((result) => !result.clean),
    ...state.results.filter((result) => result.clean),
  ];
  return { ...state, results, list: { ...state.list, cursor: selected ? results.indexOf(selected) : 0 } };
}

export function hubCheckReducer(state: HubCheckState, action: HubCheckAction): HubCheckState {
  switch (action.type) {
    case 'start':
      return { ...INITIAL_HUB_CHECK, checking: true };
    case 'event':
      return onEvent(state, action.event);
    case 'failed':
      return {
        ...state,
        checking: false,
        current: null,
        notes: [...state.notes, { tone: 'error', text: `The check failed: ${action.message}` }],
      };
    case 'move':
      return { ...state, list: moveList(state.list, action.action, state.results.length, action.page) };
    case 'place':
      return { ...state, list: placeCursor(state.list, action.cursor, state.results.length, action.page) };
  }
}
