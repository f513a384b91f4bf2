/**
 * One input listener for the whole console. Keys go to the view on top of the stack;
 * what it does not take goes to the global bindings. Keys that arrive for a view that
 * has not mounted yet (Enter then j in one write) wait for it.
 */
import type React from 'react';
import { createContext, useCallback, useContext, useEffect, useRef } from 'react';
import { useInput } from 'ink';
import { keysOf } from './keymap.js';

/** Takes one key; returns whether it used it. */
export type KeyHandler = (key: string) => boolean;

interface Router {
  register(viewId: string, handler: KeyHandler): () => void;
}

const RouterContext = createContext<Router>({ register: () => () => undefined });

/** Routes keys to the active view, then to `onGlobal`. */
export function KeyRouter({
  activeView,
  onGlobal,
  children,
}: {
  /** The id of the view that takes keys now, read at each key; null sends keys to `onGlobal` only. */
  activeView: () => string | null;
  /** Keys the active view did not take. */
  onGlobal: (key: string) => void;
  children: React.ReactNode;
}): React.JSX.Element {
  const handlers = useRef(new Map<string, KeyHandler>());
  const waiting = useRef<string[]>([]);

  const deliver = useCallback(
    (key: string) => {
      const viewId = activeView();
      if (viewId === null) {
        onGlobal(key);
        return;
      }
      const handler = handlers.current.get(viewId);
      if (!handler) {
        waiting.current.push(key);
        return;
      }
      if (!handler(key)) onGlobal(key);
    },
    [activeView, onGlobal],
  );

  const flush = useCallback(() => {
    while (waiting.current.length > 0 && handlers.current.has(activeView() ?? '')) {
      deliver(waiting.current.shift()!);
    }
  }, [activeView, deliver]);

  const flushLatest = useRef(flush);
  flushLatest.current = flush;
  const router = useRef<Router>({
    register: (viewId, handler) => {
      handlers.current.set(viewId, handler);
      queueMicrotask(() => flushLatest.current());
      return () => {
        if (handlers.current.get(viewId) === handler) handlers.current.delete(viewId);
      };
    },
  });

  useInput((input, key) => {
    for (const name of keysOf(input, key)) {
      // Ctrl+C must work even while keys wait for a view.
      if (name === 'ctrl+c') onGlobal(name);
      else if (waiting.current.length > 0) waiting.current.push(name);
      else deliver(name);
    }
    flush();
  });

  return <RouterContext.Provider value={router.current}>{children}</RouterContext.Provider>;
}

/** Registers a view's key handler with the router for as long as the view is mounted. */
export function useViewKeys(viewId: string, handler: KeyHandler): void {
  const router = useContext(RouterContext);
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => router.register(viewId, (key) => latest.current(key)), [router, viewId]);
}
