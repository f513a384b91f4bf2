/** The Check tab's state (pure): a check under way and what it is busy with, what it could not do, the findings' cursor. */
import type { CheckEvent, CheckStep } from '../../../gc/check/types.js';
import type { KeyAction, ScreenName } from '../../keymap.js';
import { EMPTY_LIST, moveList, placeCursor, type ListState } from '../../list-state.js';
import type { Note } from '../../notes.js';

export interface CheckState {
  /** A check of the repo is under way. */
  checking: boolean;
  /** What the check under way is busy with; null until it says. */
  step: { step: CheckStep; done: number; total: number } | null;
  /** What the last check could not look at (no blob store, say), or why it did not run. */
  notes: Note[];
  list: ListState;
}

export type CheckAction =
  | { type: 'start' }
  | { type: 'event'; event: CheckEvent }
  | { type: 'failed'; message: string }
  | { type: 'move'; action: KeyAction; count: number; page: number }
  | { type: 'place'; cursor: number; count: number; page: number };

export const INITIAL_CHECK: CheckState = { checking: false, step: null, notes: [], list: EMPTY_LIST };

/** The keys the Check tab answers to: without the one that checks while a check is under way. */
export function checkKeyScreen(state: CheckState): Extract<ScreenName, 'check' | 'checking'> {
  return state.checking ? 'checking' : 'check';
}

export function checkReducer(state: CheckState, action: CheckAction): CheckState {
  switch (action.type) {
    case 'start':
      return { ...state, checking: true, step: null, notes: [] };
    case 'event': {
      const { event } = action;
      if (event.type === 'progress')
        return { ...state, step: { step: event.step, done: event.done, total: event.total } };
      if (event.type === 'warning')
        return { ...state, notes: [...state.notes, { tone: 'warning', text: event.message }] };
      // The findings are new: their list starts at the top.
      if (event.type === 'repo-done') return { ...state, list: EMPTY_LIST };
      if (event.type === 'check-done') return { ...state, checking: false, step: null };
      return state;
    }
    case 'failed':
      return {
        ...state,
        checking: false,
        step: null,
        notes: [...state.notes, { tone: 'error', text: `The check failed: ${action.message}` }],
      };
    case 'move':
      return { ...state, list: moveList(state.list, action.action, action.count, action.page) };
    case 'place':
      return { ...state, list: placeCursor(state.list, action.cursor, action.count, action.page) };
  }
}
