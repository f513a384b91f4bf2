/**
 * A list's search (pure), as less, vim and lazygit have it: `/` opens a field, Enter keeps what was
 * typed and jumps to the first match from the cursor, n and N go on to the next and the previous
 * match, round the ends of the list.
 */
import { EMPTY_FIELD, editField, type TextFieldState } from '../text-field/text-field-reducer.js';

export interface SearchState {
  /** The field while a search is typed; null otherwise. */
  field: TextFieldState | null;
  /** The search kept (Enter), that n and N go on with, and that rows are highlighted by; '' for none. */
  query: string;
  /** Which match the cursor went to (from 1) of how many the list holds; 0 of 0 when nothing matches. */
  found: { match: number; matches: number };
}

export const NO_SEARCH: SearchState = { field: null, query: '', found: { match: 0, matches: 0 } };

export type SearchAction =
  | { type: 'open' }
  | { type: 'edit'; key: string }
  /** Esc while typing: the search kept before, if any, stays. */
  | { type: 'cancel' }
  | { type: 'found'; query: string; match: number; matches: number }
  | { type: 'clear' };

export function searchReducer(state: SearchState, action: SearchAction): SearchState {
  switch (action.type) {
    case 'open':
      return { ...state, field: EMPTY_FIELD };
    case 'edit':
      return state.field ? { ...state, field: editField(state.field, action.key) } : state;
    case 'cancel':
      return { ...state, field: null };
    case 'found':
      return { field: null, query: action.query, found: { match: action.match, matches: action.matches } };
    case 'clear':
      return NO_SEARCH;
  }
}

/** What a search looks for: the text typed, in lower case (a search ignores case). */
export function needleOf(text: string): string {
  return text.trim().toLowerCase();
}

/** What the rows are highlighted by: the field as typed, else the search kept. */
export function shownNeedle(state: SearchState): string {
  return needleOf(state.field ? state.field.text : state.query);
}

/**
 * The row of the next match of a list of `count`: from `from` on (`from` itself too when `inclusive`)
 * in `step`'s direction, round the end; -1 when no row matches.
 */
export function nextMatch(
  count: number,
  matches: (index: number) => boolean,
  from: number,
  step: 1 | -1,
  inclusive: boolean,
): number {
  const start = inclusive ? 0 : 1;
  for (let offset = start; offset < count + start; offset++) {
    const index = (((from + step * offset) % count) + count) % count;
    if (matches(index)) return index;
  }
  return -1;
}

/** Which match `at` is (from 1), and how many rows match. */
export function matchPosition(
  count: number,
  matches: (index: number) => boolean,
  at: number,
): { match: number; matches: number } {
  let before = 0;
  let total = 0;
  for (let index = 0; index < count; index++) {
    if (!matches(index)) continue;
    total++;
    if (index <= at) before++;
  }
  return { match: before, matches: total };
}

/** A row matcher over the text of each row: the needle anywhere in it, case ignored. */
export function containing(textOf: (index: number) => string): (index: number, needle: string) => boolean {
  return (index, needle) => textOf(index).toLowerCase().includes(needle);
}

/** The line under a searched list: the match the cursor is on and the keys that go on, or that nothing matched. */
export function searchSummary(state: SearchState): string {
  if (state.query === '') return '';
  const { match, matches } = state.found;
  return matches === 0
    ? `/${state.query}: no match · esc clears`
    : `/${state.query}: match ${match.toLocaleString('en-US')} of ${matches.toLocaleString('en-US')} · n next, N previous, esc clears`;
}
