/**
 * The search of one list, for the screen that draws it: its keys (`/`, then the field; n, N; Esc
 * clearing the search kept), where a match moves the cursor, and what the list draws of it.
 */
import { useConsole } from '../console-context.js';
import { actionFor, type KeyAction } from '../keymap.js';
import { useSyncReducer } from '../sync-reducer.js';
import { isFieldKey } from '../text-field/text-field-reducer.js';
import {
  matchPosition,
  needleOf,
  nextMatch,
  NO_SEARCH,
  searchReducer,
  shownNeedle,
  type SearchState,
} from './search-reducer.js';

export interface ListSearch {
  state: SearchState;
  /** A search is being typed: the keys are the field's (the hint bar shows the `search` keys). */
  typing: boolean;
  /** What the rows highlight, in lower case; '' for nothing. */
  needle: string;
  /** Takes every key while a search is typed, before the screen's own keys see it; returns whether it did. */
  handleTyped(key: string): boolean;
  /** Takes `/`, n and N, and Esc while a search is kept, as the screen's keymap resolved them; returns whether it did. */
  handle(action: KeyAction | undefined): boolean;
}

export function useListSearch(options: {
  /** Rows of the list. */
  count: number;
  /** Whether row `index` matches the needle (lower case). */
  matches: (index: number, needle: string) => boolean;
  /** The cursor's row after the last key. */
  cursor: () => number;
  /** Moves the cursor to a match. */
  jump: (index: number) => void;
}): ListSearch {
  const app = useConsole();
  const { count, matches, cursor, jump } = options;
  const [state, dispatch, current] = useSyncReducer(searchReducer, NO_SEARCH);

  /** Goes to the match from the cursor in `step`'s direction and keeps the search. */
  const find = (query: string, step: 1 | -1, inclusive: boolean) => {
    const needle = needleOf(query);
    if (needle === '') return dispatch({ type: 'clear' });
    const test = (index: number) => matches(index, needle);
    const at = count === 0 ? -1 : nextMatch(count, test, Math.min(cursor(), count - 1), step, inclusive);
    if (at === -1) return dispatch({ type: 'found', query: query.trim(), match: 0, matches: 0 });
    jump(at);
    dispatch({ type: 'found', query: query.trim(), ...matchPosition(count, test, at) });
  };

  // The state after the last key, not the last render's: `/` and the text after it arrive in one write.
  const handleTyped = (key: string): boolean => {
    const { field } = current();
    if (!field) return false;
    const typed = actionFor('search', key, app.readOnly);
    if (typed === 'find') find(field.text, 1, true);
    else if (typed === 'cancel') dispatch({ type: 'cancel' });
    else if (isFieldKey(key)) dispatch({ type: 'edit', key });
    return true;
  };

  const handle = (action: KeyAction | undefined): boolean => {
    const { query } = current();
    if (action === 'search') dispatch({ type: 'open' });
    else if ((action === 'next-match' || action === 'previous-match') && query !== '')
      find(query, action === 'next-match' ? 1 : -1, false);
    else if (action === 'next-match' || action === 'previous-match')
      app.status('No search yet: / searches the list.', 'warning');
    else if (action === 'back' && query !== '') dispatch({ type: 'clear' });
    else return false;
    return true;
  };

  return { state, typing: state.field !== null, needle: shownNeedle(state), handleTyped, handle };
}
