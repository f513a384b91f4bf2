/**
 * A list that draws only its visible window: the 10,000-row repos table and the
 * 100,000-commit graph cost the same to draw as a short one.
 */
import React from 'react';
import { Box, Text } from 'ink';
import { visibleOffset, type ListState } from './list-state.js';

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
}

/** Draws rows `offset .. offset + height` and a `12-40 of 1,000` position when they do not all fit. */
export function VirtualList({ count, list, height, renderRow, empty }: VirtualListProps): React.JSX.Element {
  if (count === 0) return <Text>{empty ?? '(nothing)'}</Text>;
  const fits = count <= height;
  const rows = fits ? height : Math.max(1, height - 1);
  const first = visibleOffset(list.offset, list.cursor, count, rows);
  const last = Math.min(count, first + rows);
  const drawn: React.ReactNode[] = [];
  for (let index = first; index < last; index++) {
    drawn.push(<Box key={index}>{renderRow(index, index === list.cursor)}</Box>);
  }
  return (
    <Box flexDirection="column">
      {drawn}
      {!fits && (
        <Text dimColor>
          {`${(first + 1).toLocaleString('en-US')}-${last.toLocaleString('en-US')} of ${count.toLocaleString('en-US')}`}
        </Text>
      )}
    </Box>
  );
}

/** The rows a virtual list of `count` shows `height` lines at a time: what page keys move by. */
export function pageRows(count: number, height: number): number {
  return count <= height ? height : Math.max(1, height - 1);
}
