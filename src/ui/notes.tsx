/** What a view says beside its work, a line each: a warning with `!`, an error with `✗`, in their tones. */
import React from 'react';
import { fit } from './fit.js';
import { Toned } from './theme.js';

export interface Note {
  tone: 'warning' | 'error';
  text: string;
}

/** A note as one line of text: `! no blob store: …`, `✗ The check failed: …`. */
export function noteText(note: Note): string {
  return `${note.tone === 'error' ? '✗' : '!'} ${note.text}`;
}

/** The notes, each cut to `width`. */
export function NoteLines({ notes, width }: { notes: readonly Note[]; width: number }): React.JSX.Element {
  return <>{notes.map((note, index) => <Toned key={index} tone={note.tone}>{fit(noteText(note), width)}</Toned>)}</>;
}
