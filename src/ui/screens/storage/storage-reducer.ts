/** The Storage view's state (pure): the sweep under way or last run from here, its progress, and its typed confirmation. */
import type { SweepEvent, SweepFound, SweepResult } from '../../../gc/service.js';
import { describeResumed } from '../../../present/run.js';
import type { ScreenName } from '../../keymap.js';
import type { Note } from '../../notes.js';
import { editAnswer, EMPTY_ANSWER, type TypedAnswer } from '../../text-field/text-field-reducer.js';

/**
 * The word that lets a sweep delete. A hub's label is a path or host:port/database, long and
 * full of punctuation; one fixed word that says the act stops a reflex of the hand as well,
 * and the prompt above it says how many keys of which store it deletes.
 */
export const SWEEP_WORD = 'sweep';

export interface StorageState {
  /** What the sweep started from this view is doing (its batches: deleted, or in a dry run re-checked), or how it ended; idle before any. */
  stage: 'idle' | 'listing' | 'asking' | 'batches' | 'finished' | 'failed';
  dryRun: boolean;
  /** The listing's running counts. */
  listed: { keys: number; bytes: number };
  /** What the listing held against the rows, once compared. */
  found: SweepFound | null;
  progress: { done: number; total: number; deleted: number; bytes: number } | null;
  result: SweepResult | null;
  /** The operator asked the sweep to stop after its batch. */
  stopping: boolean;
  /** The word as typed at the confirmation, and why the last one typed did not confirm. */
  answer: TypedAnswer;
  log: Note[];
}

export type StorageAction =
  | { type: 'start'; dryRun: boolean }
  | { type: 'event'; event: SweepEvent }
  | { type: 'ask' }
  | { type: 'edit'; key: string }
  | { type: 'mismatch'; message: string }
  | { type: 'answered' }
  | { type: 'stop-after-batch' }
  | { type: 'failed'; message: string };

export const INITIAL_STORAGE: StorageState = {
  stage: 'idle',
  dryRun: true,
  listed: { keys: 0, bytes: 0 },
  found: null,
  progress: null,
  result: null,
  stopping: false,
  answer: EMPTY_ANSWER,
  log: [],
};

/** The keys the view answers to: the confirmation's while it asks, a sweep's while one works, else the view's. */
export function storageKeyScreen(state: StorageState): Extract<ScreenName, 'storage' | 'sweeping' | 'confirm-sweep'> {
  if (state.stage === 'asking') return 'confirm-sweep';
  return state.stage === 'listing' || state.stage === 'batches' ? 'sweeping' : 'storage';
}

/** Whether a sweep started from the view has not ended. */
export function isSweeping(state: StorageState): boolean {
  return state.stage === 'listing' || state.stage === 'asking' || state.stage === 'batches';
}

function onEvent(state: StorageState, event: SweepEvent): StorageState {
  switch (event.type) {
    case 'journal-resumed':
      return { ...state, log: [...state.log, { tone: 'warning', text: describeResumed(event) }] };
    case 'listing':
      return { ...state, listed: { keys: event.listed, bytes: event.bytes } };
    case 'compared':
      // A dry run goes on to its batches at once; a sweep asks first, when it has strays.
      return { ...state, found: event.found, stage: state.dryRun ? 'batches' : state.stage };
    case 'batch':
      return state;
    case 'progress':
      return {
        ...state,
        stage: 'batches',
        progress: { done: event.done, total: event.total, deleted: event.deleted, bytes: event.bytes },
      };
    case 'error':
    case 'warning':
      return { ...state, log: [...state.log, { tone: event.type, text: event.message }] };
    case 'sweep-done':
      return { ...state, stage: 'finished', result: event.result };
  }
}

export function storageReducer(state: StorageState, action: StorageAction): StorageState {
  switch (action.type) {
    case 'start':
      return { ...INITIAL_STORAGE, stage: 'listing', dryRun: action.dryRun };
    case 'event':
      return onEvent(state, action.event);
    case 'ask':
      return { ...state, stage: 'asking', answer: EMPTY_ANSWER };
    case 'edit':
      return { ...state, answer: editAnswer(state.answer, action.key) };
    case 'mismatch':
      return { ...state, answer: { ...state.answer, mismatch: action.message } };
    case 'answered':
      return { ...state, stage: 'batches' };
    case 'stop-after-batch':
      return { ...state, stopping: true };
    case 'failed':
      return { ...state, stage: 'failed', log: [...state.log, { tone: 'error', text: action.message }] };
  }
}
