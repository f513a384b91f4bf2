/** The cursor and scroll offset of a virtual list, and how navigation keys move them (pure). */
import type { KeyAction } from './keymap.js';

export interface ListState {
  cursor: number;
  /** The first row drawn. */
  offset: number;
}

export const EMPTY_LIST: ListState = { cursor: 0, offset: 0 };

const MOVES: Partial<Record<KeyAction, (cursor: number, count: number, page: number) => number>> = {
  down: (cursor) => cursor + 1,
  up: (cursor) => cursor - 1,
  top: () => 0,
  bottom: (_, count) => count - 1,
  'page-down': (cursor, _, page) => cursor + page,
  'page-up': (cursor, _, page) => cursor - page,
};

/** Whether an action moves a list. */
export function isMove(action: KeyAction | undefined): action is KeyAction {
  return action !== undefined && action in MOVES;
}

/** The list after a navigation action, over `count` rows shown `page` at a time. */
export function moveList(list: ListState, action: KeyAction, count: number, page: number): ListState {
  const move = MOVES[action];
  if (!move) return list;
  return placeCursor(list, move(list.cursor, count, Math.max(1, page)), count, page);
}

/** The list with its cursor at `cursor` (clamped) and the offset scrolled just enough to show it. */
export function placeCursor(list: ListState, cursor: number, count: number, page: number): ListState {
  const clamped = Math.max(0, Math.min(count - 1, cursor));
  return { cursor: clamped, offset: visibleOffset(list.offset, clamped, count, page) };
}

/** Which rows a list of `count` shows in `height` lines: all when they fit; else a window around the cursor, and a line that says where it is. */
export function listWindow(
  list: ListState,
  count: number,
  height: number,
): { first: number; last: number; fits: boolean } {
  const rows = pageRows(count, height);
  const first = visibleOffset(list.offset, list.cursor, count, rows);
  return { first, last: Math.min(count, first + rows), fits: count <= height };
}

/** The rows a list of `count` shows `height` lines at a time: what page keys move by. */
export function pageRows(count: number, height: number): number {
  return count <= height ? height : Math.max(1, height - 1);
}

/** The first row to draw so that the cursor is in view, moving the window as little as possible. */
export function visibleOffset(offset: number, cursor: number, count: number, page: number): number {
  const height = Math.max(1, page);
  let first = Math.min(offset, Math.max(0, count - height));
  if (cursor < first) first = cursor;
  if (cursor >= first + height) first = cursor - height + 1;
  return Math.max(0, first);
}

export type ListAction =
  | { type: 'move'; action: KeyAction; count: number; page: number }
  /** The cursor to a row: where a search found its match. */
  | { type: 'place'; cursor: number; count: number; page: number }
  | { type: 'reset' };

/** A list on its own, for screens whose only state is a cursor. */
export function listReducer(list: ListState, action: ListAction): ListState {
  switch (action.type) {
    case 'reset':
      return EMPTY_LIST;
    case 'place':
      return placeCursor(list, action.cursor, action.count, action.page);
    case 'move':
      return moveList(list, action.action, action.count, action.page);
  }
}
