/**
 * A list that draws only its visible window: the 10,000-row repos table and the
 * 100,000-commit graph cost the same to draw as a short one.
 */
import type React from 'react';
import { Box, Text } from 'ink';
import { listWindow, type ListState } from './list-state.js';
import type { SearchState } from './search/search-reducer.js';
import { SearchLine, searchRows } from './search/search-line.js';

export interface VirtualListProps {
  /** How many rows the list has. */
  count: number;
  /** The cursor and the remembered offset. */
  list: ListState;
  /** The rows of screen the list may use. */
  height: number;
  /** Draws row `index`; `selected` is true at the cursor. */
  renderRow: (index: number, selected: boolean) => React.ReactNode;
  /** What an empty list says. */
  empty?: string;
  /** The list's search, whose line the list draws under its rows, in the last of its `height`. */
  search?: SearchState;
}

/**
 * Draws rows `offset .. offset + height`, a `12-40 of 1,000` position when they do not all fit, and
 * the search's line when one is typed or kept.
 */
export function VirtualList({ count, list, height, renderRow, empty, search }: VirtualListProps): React.JSX.Element {
  const searchLine = search && <SearchLine state={search} />;
  if (count === 0)
    return (
      <Box flexDirection="column">
        <Text>{empty ?? '(nothing)'}</Text>
        {searchLine}
      </Box>
    );
  const { first, last, fits } = listWindow(list, count, Math.max(1, height - (search ? searchRows(search) : 0)));
  const drawn: React.ReactNode[] = [];
  for (let index = first; index < last; index++) {
    drawn.push(<Box key={index}>{renderRow(index, index === list.cursor)}</Box>);
  }
  return (
    <Box flexDirection="column">
      {drawn}
      {!fits && <ListPosition first={first} last={last} count={count} />}
      {searchLine}
    </Box>
  );
}

/** Where a window of a list is: `12-40 of 1,000`. */
export function ListPosition({
  first,
  last,
  count,
}: {
  /** The index of the first row shown. */
  first: number;
  /** The index after the last row shown. */
  last: number;
  count: number;
}): React.JSX.Element {
  return (
    <Text
      dimColor
    >{`${(first + 1).toLocaleString('en-US')}-${last.toLocaleString('en-US')} of ${count.toLocaleString('en-US')}`}</Text>
  );
}
