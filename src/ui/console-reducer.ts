/**
 * The console's state (pure): the view stack and what the frame around it shows, the status line,
 * the keys each view answers to, the open `:` command line, and what the views share (the checks
 * run, a count of the hub's changes).
 */
import type { RepoCheck } from '../gc/service.js';
import type { ScreenName } from './keymap.js';
import { EMPTY_FIELD, type TextFieldState } from './text-field/text-field-reducer.js';
import type { Tone } from './theme.js';
import { INITIAL_STACK, stackReducer, type StackAction, type ViewStack } from './view-stack.js';

export interface ConsoleState {
  stack: ViewStack;
  /** The status line's message (empty: none) and its tone. */
  status: { message: string; tone: Tone | undefined };
  /** The keys a view answers to now, by view id, where the view said (a filter or a prompt changes them). */
  keyScreens: ReadonlyMap<string, ScreenName>;
  /** Counts changes to the hub made from this console: views load again when it moves. */
  dataVersion: number;
  /** The checks run from this console, the latest of each repo by id. */
  checks: ReadonlyMap<string, RepoCheck>;
  /** The `:` command line while it is open: it takes the keys, in place of the status line. */
  command: TextFieldState | null;
}

export type ConsoleAction =
  | StackAction
  | { type: 'status'; message: string; tone?: Tone }
  | { type: 'keys'; viewId: string; screen: ScreenName }
  | { type: 'data-changed' }
  | { type: 'checked'; result: RepoCheck }
  | { type: 'open-command' }
  | { type: 'edit-command'; field: TextFieldState }
  | { type: 'close-command' };

export const INITIAL_CONSOLE: ConsoleState = {
  stack: INITIAL_STACK,
  status: { message: '', tone: undefined },
  keyScreens: new Map(),
  dataVersion: 0,
  checks: new Map(),
  command: null,
};

export function consoleReducer(state: ConsoleState, action: ConsoleAction): ConsoleState {
  switch (action.type) {
    case 'push':
    case 'pop':
    case 'pop-to-root':
    case 'replace-top':
      return { ...state, stack: stackReducer(state.stack, action) };
    case 'status':
      return { ...state, status: { message: action.message, tone: action.tone } };
    case 'keys':
      // The same keys again change nothing, and draw nothing again.
      return state.keyScreens.get(action.viewId) === action.screen
        ? state
        : { ...state, keyScreens: new Map(state.keyScreens).set(action.viewId, action.screen) };
    case 'data-changed':
      return { ...state, dataVersion: state.dataVersion + 1 };
    case 'checked':
      return { ...state, checks: new Map(state.checks).set(action.result.repo.repoId, action.result) };
    case 'open-command':
      return { ...state, command: EMPTY_FIELD };
    case 'edit-command':
      return { ...state, command: action.field };
    case 'close-command':
      return { ...state, command: null };
  }
}
