/** A one-line text field as typed so far, after its label (`› ` unless told), the cursor an inverse cell. */
import type React from 'react';
import { Box, Text } from 'ink';
import type { TextFieldState } from './text-field-reducer.js';

export function TextField({
  field,
  label = '› ',
}: {
  field: TextFieldState;
  label?: React.ReactNode;
}): React.JSX.Element {
  const chars = [...field.text];
  return (
    <Box>
      {typeof label === 'string' ? <Text>{label}</Text> : label}
      <Text>
        {chars.slice(0, field.cursor).join('')}
        <Text inverse>{chars[field.cursor] ?? ' '}</Text>
        {chars.slice(field.cursor + 1).join('')}
      </Text>
    </Box>
  );
}
