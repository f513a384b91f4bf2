/**
 * A one-line text field's text and cursor (pure). Its keys come through the key router, which
 * splits whatever one read of the terminal holds into keys in order (keysOf): a burst of
 * backspaces, from key repeat, tmux or a paste, deletes a character each rather than arriving
 * as text.
 */
import { isText } from '../keymap.js';

export interface TextFieldState {
  text: string;
  /** Where the next character goes, in characters (code points) from the start. */
  cursor: number;
}

export const EMPTY_FIELD: TextFieldState = { text: '', cursor: 0 };

/** A field holding `text`, the cursor after it. */
export function fieldWith(text: string): TextFieldState {
  return { text, cursor: [...text].length };
}

const MOVES: Record<string, (cursor: number, length: number) => number> = {
  left: (cursor) => cursor - 1,
  right: (cursor) => cursor + 1,
  home: () => 0,
  end: (_, length) => length,
};

/** Whether a key is one a field takes: a printable character, backspace, or a move of the cursor. */
export function isFieldKey(key: string): boolean {
  return isText(key) || key === 'backspace' || key in MOVES;
}

/** The field after one key: a printable character goes in at the cursor, backspace deletes the one before it; other keys change nothing. */
export function editField(field: TextFieldState, key: string): TextFieldState {
  const chars = [...field.text];
  if (isText(key)) {
    chars.splice(field.cursor, 0, key);
    return { text: chars.join(''), cursor: field.cursor + 1 };
  }
  if (key === 'backspace') {
    if (field.cursor === 0) return field;
    chars.splice(field.cursor - 1, 1);
    return { text: chars.join(''), cursor: field.cursor - 1 };
  }
  const move = MOVES[key];
  if (!move) return field;
  return { ...field, cursor: Math.max(0, Math.min(chars.length, move(field.cursor, chars.length))) };
}

/** A field that confirms something once the right text is typed: what has been typed, and why the last Enter did not confirm. */
export interface TypedAnswer {
  field: TextFieldState;
  /** Empty until an Enter is refused. */
  mismatch: string;
}

export const EMPTY_ANSWER: TypedAnswer = { field: EMPTY_FIELD, mismatch: '' };

/** The answer after a key: an edit takes back the last complaint; a move of the cursor does not. */
export function editAnswer(answer: TypedAnswer, key: string): TypedAnswer {
  const field = editField(answer.field, key);
  return { field, mismatch: field.text === answer.field.text ? answer.mismatch : '' };
}
