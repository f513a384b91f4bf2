/** The layout's lane cells drawn as text (pure): the commit's glyph in its lane, box characters for the lines. */
import type { CommitState } from '../../../gc/service.js';
import type { GraphRow, LaneCell } from './graph-layout.js';

/** The glyph of each state: told apart without colour. */
export const STATE_GLYPHS: Record<CommitState, string> = {
  reachable: '●',
  orphaned: '✗',
  kept: '○',
};

/** Box characters by the directions a cell connects to: up, down, left, right. */
const BOX: Record<string, string> = {
  ud: '│',
  u: '│',
  d: '│',
  lr: '─',
  l: '─',
  r: '─',
  udlr: '┼',
  ulr: '┴',
  dlr: '┬',
  udl: '┤',
  ul: '╯',
  dl: '╮',
  udr: '├',
  ur: '╰',
  dr: '╭',
};

function boxChar({ up, down, left, right }: LaneCell): string {
  return BOX[`${up ? 'u' : ''}${down ? 'd' : ''}${left ? 'l' : ''}${right ? 'r' : ''}`] ?? ' ';
}

/** How many columns a row's lanes take drawn. */
export function lanesWidth(row: GraphRow): number {
  return row.cells.length * 2 - 1;
}

/** A row's lanes as text, two columns a lane (the cell, then the line to the next lane): `●─┴─╯`. */
export function drawLanes(row: GraphRow, state: CommitState): string {
  let text = '';
  row.cells.forEach((cell, lane) => {
    text += lane === row.lane ? STATE_GLYPHS[state] : boxChar(cell);
    text += cell.right ? '─' : ' ';
  });
  return text.trimEnd();
}
