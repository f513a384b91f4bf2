/** What a view says beside its work, a line each: a warning with `!`, an error with `✗`, in their tones. */
import type React from 'react';
import { wrapIndented } from './fit.js';
import { Toned } from './theme.js';

export interface Note {
  tone: 'warning' | 'error';
  text: string;
}

/** A note as one line of text: `! no blob store: …`, `✗ The check failed: …`. */
export function noteText(note: Note): string {
  return `${note.tone === 'error' ? '✗' : '!'} ${note.text}`;
}

/** A note wrapped whole to `width`, its lines after the first under its text. */
export function noteLines(note: Note, width: number): string[] {
  const [first = '', ...rest] = wrapIndented(note.text, width, '  ');
  return [`${note.tone === 'error' ? '✗' : '!'} ${first.slice(2)}`, ...rest];
}

/** How many rows the notes take at `width`. */
export function noteRows(notes: readonly Note[], width: number): number {
  return notes.reduce((rows, note) => rows + noteLines(note, width).length, 0);
}

/** The notes, each wrapped whole. */
export function NoteLines({ notes, width }: { notes: readonly Note[]; width: number }): React.JSX.Element {
  return (
    <>
      {notes.flatMap((note, index) =>
        noteLines(note, width).map((line, row) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: notes are stateless text whose lines may repeat.
          <Toned key={`${index}.${row}`} tone={note.tone}>
            {line}
          </Toned>
        )),
      )}
    </>
  );
}
