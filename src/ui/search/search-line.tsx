/** What a searched list draws of its search: the field while typed, the match the cursor is on, the matches highlighted. */
import type React from 'react';
import { Text } from 'ink';
import { TextField } from '../text-field/text-field.js';
import { Toned } from '../theme.js';
import { searchSummary, type SearchState } from './search-reducer.js';

/** Rows the search takes under its list: one while it is typed or kept. */
export function searchRows(state: SearchState): number {
  return state.field !== null || state.query !== '' ? 1 : 0;
}

/** The field after `/` while it is typed; then which match the cursor is on, or that none matched. */
export function SearchLine({ state }: { state: SearchState }): React.JSX.Element | null {
  if (state.field) return <TextField field={state.field} label={<Text bold>/</Text>} />;
  if (state.query === '') return null;
  return (
    <Toned tone={state.found.matches === 0 ? 'warning' : 'muted'} wrap="truncate-end">
      {searchSummary(state)}
    </Toned>
  );
}

/**
 * `text` with each place the needle is found in it underlined and bold: a match shows without
 * colour (NO_COLOR), and inside the cursor's inverse row as well.
 */
export function Highlighted({ text, needle }: { text: string; needle: string }): React.JSX.Element {
  if (needle === '') return <>{text}</>;
  const lower = text.toLowerCase();
  const parts: React.ReactNode[] = [];
  let from = 0;
  for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, from)) {
    if (at > from) parts.push(text.slice(from, at));
    parts.push(
      <Text key={at} underline bold>
        {text.slice(at, at + needle.length)}
      </Text>,
    );
    from = at + needle.length;
  }
  parts.push(text.slice(from));
  return <>{parts}</>;
}
