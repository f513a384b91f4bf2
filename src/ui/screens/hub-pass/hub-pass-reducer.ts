/**
 * A hub pass started from the repos list (pure): its one confirmation, then each repo's state
 * as the pass goes (queued, in flight, how it ended), the pass's progress and its result.
 */
import type { HubEvent, HubProgress, HubRepoResult, HubResult } from '../../../gc/hub/types.js';
import type { GcEvent, PhaseName, RepoIdentity } from '../../../gc/types.js';
import type { KeyAction, ScreenName } from '../../keymap.js';
import { EMPTY_LIST, moveList, placeCursor, type ListState } from '../../list-state.js';
import type { Note } from '../../notes.js';
import { editAnswer, EMPTY_ANSWER, type TypedAnswer } from '../../text-field/text-field-reducer.js';
import type { EstimatedTotals } from '../repos/repos-totals.js';

/** What a pass started from the repos list collects, and what the estimates said of it when it was asked for. */
export interface PassScope {
  /** The repos the filter showed; undefined for every repo of the hub. */
  repoIds?: readonly string[];
  /** The filter that showed them; empty for every repo. */
  filter: string;
  totals: EstimatedTotals;
}

/** A repo in flight: its plan being derived under its lock (no phase yet), then its phases' progress. */
export interface RepoRun {
  phase: PhaseName | null;
  done: number;
  total: number;
  /** Bytes freed so far in the phase. */
  bytes: number;
}

export interface HubPassState {
  /** Asking for the label; the pass beginning (before it knows its repos), under way, ended, or failed to run. */
  stage: 'asking' | 'starting' | 'running' | 'finished' | 'failed';
  /** The label as typed at the confirmation, and why the last one typed did not confirm. */
  answer: TypedAnswer;
  /** The repos of the pass in the order it takes them, once it has begun. */
  order: readonly RepoIdentity[];
  /** The repos in flight, by id. */
  running: ReadonlyMap<string, RepoRun>;
  /** How each repo that ended fared, by id. */
  ended: ReadonlyMap<string, HubRepoResult>;
  progress: HubProgress | null;
  /** The operator asked the pass to stop after the repos in flight. */
  stopping: boolean;
  result: HubResult | null;
  /** The engine's notice (one worker on the embedded hub), or why the pass did not run. */
  notes: Note[];
  list: ListState;
}

export type HubPassAction =
  | { type: 'edit'; key: string }
  | { type: 'mismatch'; message: string }
  | { type: 'start' }
  | { type: 'event'; event: HubEvent }
  | { type: 'stop-after-repos' }
  | { type: 'failed'; message: string }
  | { type: 'move'; action: KeyAction; page: number }
  | { type: 'place'; cursor: number; page: number };

export const INITIAL_HUB_PASS: HubPassState = {
  stage: 'asking',
  answer: EMPTY_ANSWER,
  order: [],
  running: new Map(),
  ended: new Map(),
  progress: null,
  stopping: false,
  result: null,
  notes: [],
  list: EMPTY_LIST,
};

/** Whether the pass has begun and not ended. */
export function isPassing(state: HubPassState): boolean {
  return state.stage === 'starting' || state.stage === 'running';
}

/** The keys the view answers to: the confirmation's, then the pass's while it runs, then the list's. */
export function hubPassKeyScreen(
  state: HubPassState,
): Extract<ScreenName, 'confirm-pass' | 'hub-passing' | 'hub-pass'> {
  if (state.stage === 'asking') return 'confirm-pass';
  return isPassing(state) ? 'hub-passing' : 'hub-pass';
}

/** The repo under the cursor. */
export function selectedRepo(state: HubPassState): RepoIdentity | undefined {
  return state.order[state.list.cursor];
}

/** A repo in flight after one of its run's events: a phase starting or moving on; other events change nothing here. */
function runAfter(run: RepoRun, event: GcEvent): RepoRun {
  if (event.type === 'phase-start') return { phase: event.phase, done: 0, total: event.total, bytes: 0 };
  if (event.type === 'progress')
    return { phase: event.phase, done: event.done, total: event.total, bytes: event.bytes };
  return run;
}

function onEvent(state: HubPassState, event: HubEvent): HubPassState {
  switch (event.type) {
    case 'notice':
      return { ...state, notes: [...state.notes, { tone: 'warning', text: event.message }] };
    case 'hub-start':
      return { ...state, stage: 'running', order: event.repos };
    case 'repo-start':
      return {
        ...state,
        running: new Map(state.running).set(event.repo.repoId, { phase: null, done: 0, total: 0, bytes: 0 }),
      };
    case 'repo-event': {
      const run = state.running.get(event.repo.repoId);
      const next = run && runAfter(run, event.event);
      return next && next !== run ? { ...state, running: new Map(state.running).set(event.repo.repoId, next) } : state;
    }
    case 'repo-done': {
      const running = new Map(state.running);
      running.delete(event.outcome.repo_id);
      return { ...state, running, ended: new Map(state.ended).set(event.outcome.repo_id, event.outcome) };
    }
    case 'hub-progress':
      return { ...state, progress: event.progress };
    case 'hub-done':
      return { ...state, stage: 'finished', result: event.result };
  }
}

export function hubPassReducer(state: HubPassState, action: HubPassAction): HubPassState {
  switch (action.type) {
    case 'edit':
      return { ...state, answer: editAnswer(state.answer, action.key) };
    case 'mismatch':
      return { ...state, answer: { ...state.answer, mismatch: action.message } };
    case 'start':
      return { ...state, stage: 'starting' };
    case 'event':
      return onEvent(state, action.event);
    case 'stop-after-repos':
      return { ...state, stopping: true };
    case 'failed':
      return { ...state, stage: 'failed', notes: [...state.notes, { tone: 'error', text: action.message }] };
    case 'move':
      return { ...state, list: moveList(state.list, action.action, state.order.length, action.page) };
    case 'place':
      return { ...state, list: placeCursor(state.list, action.cursor, state.order.length, action.page) };
  }
}
