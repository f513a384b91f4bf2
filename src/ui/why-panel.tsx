/**
 * "Why is this alive?" under a view's list: the engine's answer for one commit or object, in the words
 * the headless `why` prints (describeWhy), wrapped whole. Esc closes it; a move closes it and moves.
 */
import type React from 'react';
import { useCallback, useRef } from 'react';
import { Spinner } from '@inkjs/ui';
import { messageOf } from '../errors.js';
import type { WhyFate } from '../gc/service.js';
import type { RepoIdentity } from '../gc/types.js';
import { shortId } from '../present/units.js';
import { describeWhy } from '../present/why.js';
import { useConsole } from './console-context.js';
import type { KeyAction } from './keymap.js';
import { isMove } from './list-state.js';
import { NoteLines, noteRows, type Note } from './notes.js';
import { useSyncReducer } from './sync-reducer.js';
import type { Tone } from './theme.js';
import { rowsOf, Wrapped } from './wrapped.js';

/** What the panel shows: the question being asked, its answer, or a line saying why there is none. */
export type WhyShown =
  | { state: 'asking'; id: string }
  | { state: 'answered'; lines: readonly string[]; tone: Tone }
  | { state: 'note'; note: Note };

const FATE_TONES: Record<WhyFate, Tone> = {
  live: 'reachable',
  kept: 'kept',
  deleted: 'orphaned',
  'not-in-repo': 'muted',
};

export interface Why {
  /** What the panel shows now, null when closed: read at each key, so a burst of keys sees the one before it. */
  current(): WhyShown | null;
  shown: WhyShown | null;
  /** Asks the engine about a commit or object of the repo; a newer question or a close drops the older answer. */
  ask(id: string): void;
  /** Shows a warning line in place of an answer: what to choose before asking. */
  warn(text: string): void;
  close(): void;
}

const replace = (_: WhyShown | null, next: WhyShown | null) => next;

export function useWhy(repo: RepoIdentity): Why {
  const app = useConsole();
  const [shown, show, current] = useSyncReducer(replace, null);
  const asked = useRef(0);
  const { service, graceSeconds, now } = app;
  const ask = useCallback(
    (id: string) => {
      const question = ++asked.current;
      show({ state: 'asking', id });
      service.why(repo, id, { graceSeconds }).then(
        (answer) => {
          if (question !== asked.current) return;
          show({ state: 'answered', lines: describeWhy(answer, now()), tone: FATE_TONES[answer.fate] });
        },
        (error: unknown) => {
          if (question !== asked.current) return;
          const reason = messageOf(error).split('\n')[0] ?? '';
          show({ state: 'note', note: { tone: 'error', text: `why ${shortId(id)}: ${reason}` } });
        },
      );
    },
    [service, repo, graceSeconds, now, show],
  );
  const warn = useCallback(
    (text: string) => {
      asked.current += 1;
      show({ state: 'note', note: { tone: 'warning', text } });
    },
    [show],
  );
  const close = useCallback(() => {
    asked.current += 1;
    show(null);
  }, [show]);
  return { current, shown, ask, warn, close };
}

/**
 * The panel's part of a key: while it shows, Esc closes it and is used up (it does not leave the
 * view), and a move closes it and still moves. Returns whether the key was used up.
 */
export function closeWhyOn(why: Why, action: KeyAction | undefined): boolean {
  if (why.current() === null) return false;
  if (action === 'back') {
    why.close();
    return true;
  }
  if (isMove(action)) why.close();
  return false;
}

/** How many rows the panel takes at `width`: what the view's list gives up. */
export function whyRows(shown: WhyShown | null, width: number): number {
  if (shown === null) return 0;
  if (shown.state === 'asking') return 1;
  if (shown.state === 'note') return noteRows([shown.note], width);
  return shown.lines.reduce((rows, line) => rows + rowsOf(line, width), 0);
}

export function WhyPanel({ shown, width }: { shown: WhyShown | null; width: number }): React.JSX.Element | null {
  if (shown === null) return null;
  if (shown.state === 'asking') return <Spinner label={`asking why ${shortId(shown.id)} is alive…`} />;
  if (shown.state === 'note') return <NoteLines notes={[shown.note]} width={width} />;
  return (
    <>
      {shown.lines.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the answer's two lines are fixed text.
        <Wrapped key={index} text={line} width={width} tone={shown.tone} />
      ))}
    </>
  );
}
