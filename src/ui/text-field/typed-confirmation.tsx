/**
 * A question that wants a word typed before anything is deleted (the sweep's word, the hub's
 * label before a pass): what would go, the question, the field, and why the last word typed
 * did not confirm.
 */
import type React from 'react';
import { Box, Text } from 'ink';
import { Toned } from '../theme.js';
import { TextField } from './text-field.js';
import type { TypedAnswer } from './text-field-reducer.js';

export function TypedConfirmation({
  what,
  ask,
  answer,
  width,
}: {
  /** What confirming does, a line each. */
  what: readonly string[];
  /** The question: what to type, and how to say no. */
  ask: string;
  answer: TypedAnswer;
  width: number;
}): React.JSX.Element {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} width={width}>
      {what.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the question's lines are fixed text that may repeat.
        <Text key={index}>{line}</Text>
      ))}
      <Text bold>{ask}</Text>
      <TextField field={answer.field} />
      {answer.mismatch !== '' && <Toned tone="error">{answer.mismatch}</Toned>}
    </Box>
  );
}
