/** Lines of text that scroll with the list keys and that `/` searches: a commit's details, a past run, the help screen. */
import type React from 'react';
import { useConsole, useHintScope } from './console-context.js';
import { useViewKeys } from './key-router.js';
import { actionFor, type KeyAction, type ScreenName } from './keymap.js';
import { EMPTY_LIST, isMove, listReducer, pageRows } from './list-state.js';
import { useSyncReducer } from './sync-reducer.js';
import type { Tone } from './theme.js';
import { Toned } from './theme.js';
import { fit } from './fit.js';
import { VirtualList } from './virtual-list.js';
import { containing } from './search/search-reducer.js';
import { Highlighted } from './search/search-line.js';
import { useListSearch } from './search/use-list-search.js';

export interface PagerLine {
  text: string;
  tone?: Tone;
}

/**
 * Lines that the view's list keys scroll and `/` searches; `r` calls onRefresh where given, and
 * onAction is offered the screen's other keys. It keeps the hint bar on the screen's keys.
 */
export function LinePager({
  viewId,
  screen,
  lines,
  width,
  height,
  onRefresh,
  onAction,
  onMove,
}: {
  viewId: string;
  screen: ScreenName;
  lines: readonly PagerLine[];
  width: number;
  height: number;
  onRefresh?: () => void;
  /** Takes an action of the screen's other than moving and refreshing; returns whether it did. */
  onAction?: (action: KeyAction) => boolean;
  /** Told of each move before the lines scroll: what a move closes. */
  onMove?: () => void;
}): React.JSX.Element {
  const app = useConsole();
  const [list, dispatch, current] = useSyncReducer(listReducer, EMPTY_LIST);
  const page = pageRows(lines.length, height);
  const search = useListSearch({
    count: lines.length,
    matches: containing((index) => lines[index]!.text),
    cursor: () => current().cursor,
    jump: (cursor) => {
      onMove?.();
      dispatch({ type: 'place', cursor, count: lines.length, page });
    },
  });
  useHintScope(viewId, true, search.typing ? 'search' : screen);
  useViewKeys(viewId, (key) => {
    const action = actionFor(screen, key, app.readOnly);
    if (search.handleTyped(key)) return true;
    if (isMove(action)) {
      onMove?.();
      dispatch({ type: 'move', action, count: lines.length, page });
    } else if (action === 'refresh' && onRefresh) onRefresh();
    else if (action === undefined || !onAction?.(action)) return search.handle(action);
    return true;
  });
  return (
    <VirtualList
      count={lines.length}
      list={list}
      height={height}
      search={search.state}
      renderRow={(index, selected) => {
        const line = lines[index]!;
        return (
          <Toned tone={line.tone} inverse={selected}>
            <Highlighted text={fit(line.text, width)} needle={search.needle} />
          </Toned>
        );
      }}
    />
  );
}
