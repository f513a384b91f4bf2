/** Lines of text that scroll with the list keys: the commit details and the help screen. */
import type React from 'react';
import { useConsole } from './console-context.js';
import { useViewKeys } from './key-router.js';
import { actionFor, type KeyAction, type ScreenName } from './keymap.js';
import { EMPTY_LIST, isMove, listReducer, pageRows } from './list-state.js';
import { useSyncReducer } from './sync-reducer.js';
import type { Tone } from './theme.js';
import { Toned } from './theme.js';
import { fit } from './fit.js';
import { VirtualList } from './virtual-list.js';

export interface PagerLine {
  text: string;
  tone?: Tone;
}

/** Lines that the view's list keys scroll; `r` calls onRefresh where given, and onAction is offered the screen's other keys. */
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
  const [list, dispatch] = useSyncReducer(listReducer, EMPTY_LIST);
  const page = pageRows(lines.length, height);
  useViewKeys(viewId, (key) => {
    const action = actionFor(screen, key, app.readOnly);
    if (isMove(action)) {
      onMove?.();
      dispatch({ type: 'move', action, count: lines.length, page });
    } else if (action === 'refresh' && onRefresh) onRefresh();
    else return action !== undefined && (onAction?.(action) ?? false);
    return true;
  });
  return (
    <VirtualList
      count={lines.length}
      list={list}
      height={height}
      renderRow={(index, selected) => {
        const line = lines[index]!;
        return (
          <Toned tone={line.tone} inverse={selected}>
            {fit(line.text, width)}
          </Toned>
        );
      }}
    />
  );
}
