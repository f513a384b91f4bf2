/**
 * A question that wants a word typed before anything is deleted (the sweep's word, the hub's
 * label before a pass): what would go, the question, the field, and why the last word typed
 * did not confirm. However few rows it has, the question, its field and that reason are whole.
 */
import type React from 'react';
import { Box, Text } from 'ink';
import { fit, wrapText } from '../fit.js';
import { rowsOf, Wrapped } from '../wrapped.js';
import { TextField } from './text-field.js';
import type { TypedAnswer } from './text-field-reducer.js';

/** Rows a box's border takes, above and below. */
const BORDER_ROWS = 2;
/** Columns a box's border and padding take. */
const BOX_COLUMNS = 4;

/**
 * How a question fits `height` rows: in its box when all of it does; else without the box, the
 * lines before the question cut to the rows the question, its field and its reason leave, the last
 * one kept ending in `…` to say more was there.
 */
export function fitQuestion(
  context: readonly string[],
  question: (width: number) => number,
  width: number,
  height: number,
): { boxed: boolean; inner: number; context: string[] } {
  const boxedInner = Math.max(1, width - BOX_COLUMNS);
  const boxedContext = context.flatMap((line) => wrapText(line, boxedInner));
  if (boxedContext.length + question(boxedInner) + BORDER_ROWS <= height)
    return { boxed: true, inner: boxedInner, context: boxedContext };
  const lines = context.flatMap((line) => wrapText(line, width));
  const room = Math.max(0, height - question(width));
  if (lines.length <= room) return { boxed: false, inner: width, context: lines };
  const shown = lines.slice(0, room);
  if (room > 0) shown[room - 1] = fit(`${shown[room - 1]} …`, width);
  return { boxed: false, inner: width, context: shown };
}

/** Rows the confirmation takes in its box at `width`: what a screen leaves it before it gives up other lines. */
export function confirmationRows(what: readonly string[], ask: string, answer: TypedAnswer, width: number): number {
  const inner = Math.max(1, width - BOX_COLUMNS);
  return what.reduce((rows, line) => rows + rowsOf(line, inner), 0) + questionRows(ask, answer, inner) + BORDER_ROWS;
}

function questionRows(ask: string, answer: TypedAnswer, width: number): number {
  return rowsOf(ask, width) + 1 + (answer.mismatch === '' ? 0 : rowsOf(answer.mismatch, width));
}

export function TypedConfirmation({
  what,
  ask,
  answer,
  width,
  height,
}: {
  /** What confirming does, a line each. */
  what: readonly string[];
  /** The question: what to type, and how to say no. */
  ask: string;
  answer: TypedAnswer;
  width: number;
  /** The rows it has. */
  height: number;
}): React.JSX.Element {
  const shown = fitQuestion(what, (inner) => questionRows(ask, answer, inner), width, height);
  return (
    <Box
      flexDirection="column"
      {...(shown.boxed ? { borderStyle: 'round', paddingX: 1 } : {})}
      width={width}
      flexShrink={0}
    >
      {shown.context.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the question's lines are fixed text that may repeat.
        <Text key={index}>{line}</Text>
      ))}
      <Wrapped text={ask} width={shown.inner} bold />
      <TextField field={answer.field} />
      {answer.mismatch !== '' && <Wrapped text={answer.mismatch} width={shown.inner} tone="error" />}
    </Box>
  );
}
