/** The preview's state (pure): a cursor over the phases, one over the chosen phase's list, and a plan being saved. */
import type { KeyAction, ScreenName } from '../../keymap.js';
import { EMPTY_LIST, moveList, placeCursor, type ListState } from '../../list-state.js';
import { editField, fieldWith, type TextFieldState } from '../../text-field/text-field-reducer.js';

export interface PreviewState {
  phases: ListState;
  items: ListState;
  /** Which list the keys move. */
  focus: 'phases' | 'items';
  /** The file the plan is being saved to, while the operator edits its name; null otherwise. */
  savingTo: TextFieldState | null;
}

export const INITIAL_PREVIEW: PreviewState = { phases: EMPTY_LIST, items: EMPTY_LIST, focus: 'phases', savingTo: null };

export type PreviewAction =
  | { type: 'move'; action: KeyAction; phaseCount: number; itemCount: number; page: number }
  /** The cursor to an item of the chosen phase's list, the keys then moving the list: where a search found its match. */
  | { type: 'place-item'; cursor: number; itemCount: number; page: number }
  | { type: 'toggle-focus' }
  | { type: 'start-save'; path: string }
  | { type: 'edit-path'; key: string }
  | { type: 'end-save' }
  | { type: 'reset' };

/** The keys the preview answers to: the file name's while a plan is being saved. */
export function previewKeyScreen(state: PreviewState): Extract<ScreenName, 'preview' | 'save-path'> {
  return state.savingTo === null ? 'preview' : 'save-path';
}

export function previewReducer(state: PreviewState, action: PreviewAction): PreviewState {
  switch (action.type) {
    case 'move':
      if (state.focus === 'items')
        return { ...state, items: moveList(state.items, action.action, action.itemCount, action.page) };
      return {
        ...state,
        phases: moveList(state.phases, action.action, action.phaseCount, action.page),
        items: EMPTY_LIST,
      };
    case 'place-item':
      return {
        ...state,
        focus: 'items',
        items: placeCursor(state.items, action.cursor, action.itemCount, action.page),
      };
    case 'toggle-focus':
      return { ...state, focus: state.focus === 'phases' ? 'items' : 'phases' };
    case 'start-save':
      return { ...state, savingTo: fieldWith(action.path) };
    case 'edit-path':
      return state.savingTo ? { ...state, savingTo: editField(state.savingTo, action.key) } : state;
    case 'end-save':
      return { ...state, savingTo: null };
    case 'reset':
      return INITIAL_PREVIEW;
  }
}
