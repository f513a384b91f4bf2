/**
 * A reducer whose state is current the moment an action is dispatched: a burst of keys
 * arrives as several input events before React renders again, and each must see the
 * state the one before it left.
 */
import { useCallback, useRef, useState } from 'react';

/** Like useReducer; also returns `current()`, the state after the last dispatch. */
export function useSyncReducer<S, A>(
  reducer: (state: S, action: A) => S,
  initial: S | (() => S),
): [S, (action: A) => void, () => S] {
  const [state, setState] = useState(initial);
  const ref = useRef(state);
  const dispatch = useCallback(
    (action: A) => {
      ref.current = reducer(ref.current, action);
      setState(ref.current);
    },
    [reducer],
  );
  const current = useCallback(() => ref.current, []);
  return [state, dispatch, current];
}
