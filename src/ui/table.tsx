/**
 * What the console's tables share on ink-table: rules between columns only, bold
 * underlined headings, and columns sized to what they hold.
 */
import type React from 'react';
import { Text } from 'ink';
import type { CellProps } from '@alcalzone/ink-table';
import { Toned, type Tone } from './theme.js';

/** ink-table's skeleton pieces that draw a horizontal rule: its box, and a line between every two rows. */
const HORIZONTAL_RULE = /^[─┌┐┬├┤┼└┘┴]+$/;

/** ink-table's skeleton drawn as the rules between columns only: a box and a line between rows would take two screen lines a row. */
export function ColumnRules({ children }: React.PropsWithChildren): React.JSX.Element | null {
  return HORIZONTAL_RULE.test(String(children)) ? null : <Toned tone="muted">{children}</Toned>;
}

/** A column's heading: bold and underlined, which stands for the rule under it. */
export function Heading({ children }: React.PropsWithChildren): React.JSX.Element {
  return (
    <Text bold underline>
      {children}
    </Text>
  );
}

/**
 * A cell component that colours each column in its tone. ink-table takes its components
 * once, when a table is first drawn: make one per table, outside any render.
 */
export function tonedCells(tones: ReadonlyArray<Tone | undefined>): (props: CellProps) => React.JSX.Element {
  return ({ column, children }) => <Toned tone={tones[column]}>{children}</Toned>;
}

/** Columns a table's rules and cell padding take beside its cells' text: one rule a column and one more, a space either side of each cell. */
export function tableChrome(columns: number): number {
  return columns * 3 + 1;
}

/** The width of a column: its widest value, at most `most`, and never narrower than its heading. */
export function columnWidth(heading: string, values: readonly string[], most = Infinity): number {
  return Math.max(heading.length, Math.min(most, Math.max(0, ...values.map((value) => value.length))));
}
