/** The preview's state (pure): a cursor over the phases, and one over the chosen phase's list. */
import type { KeyAction } from '../../keymap.js';
import { EMPTY_LIST, moveList, type ListState } from '../../list-state.js';

export interface PreviewState {
  phases: ListState;
  items: ListState;
  /** Which list the keys move. */
  focus: 'phases' | 'items';
}

export const INITIAL_PREVIEW: PreviewState = { phases: EMPTY_LIST, items: EMPTY_LIST, focus: 'phases' };

export type PreviewAction =
  | { type: 'move'; action: KeyAction; phaseCount: number; itemCount: number; page: number }
  | { type: 'toggle-focus' }
  | { type: 'reset' };

export function previewReducer(state: PreviewState, action: PreviewAction): PreviewState {
  switch (action.type) {
    case 'move':
      if (state.focus === 'items') return { ...state, items: moveList(state.items, action.action, action.itemCount, action.page) };
      return { ...state, phases: moveList(state.phases, action.action, action.phaseCount, action.page), items: EMPTY_LIST };
    case 'toggle-focus':
      return { ...state, focus: state.focus === 'phases' ? 'items' : 'phases' };
    case 'reset':
      return INITIAL_PREVIEW;
  }
}
