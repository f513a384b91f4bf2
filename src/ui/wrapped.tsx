/** Sentences shown whole: wrapped between words to the console's width, never cut. */
import type React from 'react';
import { wrapText } from './fit.js';
import { Toned, type Tone } from './theme.js';

/** How many rows `text` takes wrapped to `width`. */
export function rowsOf(text: string, width: number): number {
  return wrapText(text, Math.max(1, width)).length;
}

/**
 * `text` wrapped to `width`, a line each. The screen counts the same rows with rowsOf, so what
 * it draws below (a list, a field) keeps its place instead of being pushed off the bottom.
 */
export function Wrapped({
  text,
  width,
  tone,
  bold,
}: {
  text: string;
  width: number;
  tone?: Tone | undefined;
  bold?: boolean;
}): React.JSX.Element {
  return (
    <>
      {wrapText(text, Math.max(1, width)).map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: wrapped lines are stateless text that may repeat.
        <Toned key={index} tone={tone} bold={bold}>
          {line}
        </Toned>
      ))}
    </>
  );
}
