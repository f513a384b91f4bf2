/** What every screen of the console shares: the service, the mode, navigation and the status line. */
import { createContext, useCallback, useContext, useEffect, useRef } from 'react';
import type { GcService, RepoCheck } from '../gc/service.js';
import type { View } from './view-stack.js';
import type { Tone } from './theme.js';
import type { ScreenName } from './keymap.js';

export interface ConsoleContextValue {
  service: GcService;
  readOnly: boolean;
  graceSeconds: number;
  /** The clock the console shows ages by (tests pin it). */
  now: () => number;
  push(view: View): void;
  pop(): void;
  replaceTop(view: View): void;
  /** Shows a message on the status line; an empty message clears it. */
  status(message: string, tone?: Tone): void;
  /** Tells the hint bar which keys a view answers to now (a filter or a prompt changes them). */
  setKeys(viewId: string, screen: ScreenName): void;
  /** Counts changes to the hub made from this console: views load again when it moves. */
  dataVersion: number;
  /** Says the hub changed (a run deleted something): every view loads again. */
  dataChanged(): void;
  /** The checks run from this console, the latest of each repo by id: with their ids, which the recorded check does not keep. */
  checks: ReadonlyMap<string, RepoCheck>;
  /** Keeps a repo's check result for every view that shows it. */
  checked(result: RepoCheck): void;
  /**
   * Makes Ctrl+C stop the work where it safely can before it quits (a second Ctrl+C quits now);
   * returns what says the work has ended.
   */
  stopOnCtrlC(work: InFlightWork): () => void;
  /** Stops the work at its next safe point and says so on the status line: a view's stop key, and the first Ctrl+C. */
  askStop(work: InFlightWork, by: 'key' | 'ctrl+c'): void;
}

/** Destructive work in flight (a run, a sweep, a hub pass), and how its stop is said. */
export interface StoppableWork {
  /** Asks the work to stop at its next safe point. */
  stop(): void;
  /** The work, as the status line names it: `run`. */
  what: string;
  /** Its safe point: `this phase`. */
  after: string;
  /** What quitting before that point abandons: `the phase`. */
  abandoning: string;
  /**
   * Once the work has ended after a stop was asked, its outcome as its summary shows it (`stopped`,
   * or `done` when nothing was left to stop before); undefined when it failed and said so itself.
   */
  ended(): string | undefined;
}

/** A view's work, read as it is now, and whether a stop was asked: once asked, a stop is never taken back. */
export interface InFlightWork {
  readonly work: () => StoppableWork;
  asked: boolean;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

/** The console's shared context; screens render only inside the app. */
export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole outside the console app');
  return value;
}

/** What the app gives every screen it draws. */
export interface ScreenProps {
  /** The key router's id of this view. */
  viewId: string;
  /** Drawn and taking keys; inactive screens keep their state and draw nothing. */
  active: boolean;
  width: number;
  /** Rows available to the screen's body. */
  height: number;
}

/** Keeps the hint bar on the keys this view answers to while it is active. */
export function useHintScope(viewId: string, active: boolean, screen: ScreenName): void {
  const { setKeys } = useConsole();
  useEffect(() => {
    if (active) setKeys(viewId, screen);
  }, [active, screen, viewId, setKeys]);
}

/**
 * While `working`, Ctrl+C stops the view's work where it safely can before it quits. Returns the
 * view's own stop (its x key): the same stop, said the same way, so the status line and the keys
 * agree however the stop was asked, even when it was asked before the work had registered.
 */
export function useStopOnCtrlC(working: boolean, work: StoppableWork): () => void {
  const { stopOnCtrlC, askStop } = useConsole();
  const latest = useRef(work);
  latest.current = work;
  const inFlight = useRef<InFlightWork>({ work: () => latest.current, asked: false }).current;
  useEffect(() => {
    if (!working) return;
    return stopOnCtrlC(inFlight);
  }, [working, stopOnCtrlC, inFlight]);
  return useCallback(() => askStop(inFlight, 'key'), [askStop, inFlight]);
}
