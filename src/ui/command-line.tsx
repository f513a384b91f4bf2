/**
 * The `:` command line (k9s): `:repos`, `:check`, `:storage`, `:history`, `:plan FILE`. It takes
 * the keys while it is open, in place of the status line; Enter runs the command, Esc closes it.
 */
import type React from 'react';
import { useRef } from 'react';
import { Text } from 'ink';
import { useViewKeys } from './key-router.js';
import { actionFor } from './keymap.js';
import { TextField } from './text-field/text-field.js';
import { editField, isFieldKey, type TextFieldState } from './text-field/text-field-reducer.js';

/** The key router's id of the command line while it is open. */
export const COMMAND_LINE_VIEW = 'command-line';

export type Command =
  | { kind: 'screen'; screen: 'repos' | 'check' | 'storage' | 'history' }
  | { kind: 'plan'; path: string }
  | { kind: 'unknown'; message: string };

const SCREENS = ['repos', 'check', 'storage', 'history'] as const;

/** What a command line says, or why it says nothing the console knows. */
export function parseCommand(text: string): Command {
  const [name = '', ...rest] = text.trim().split(/\s+/);
  const screen = SCREENS.find((known) => known === name);
  if (screen && rest.length === 0) return { kind: 'screen', screen };
  if (name === 'plan') {
    return rest.length > 0
      ? { kind: 'plan', path: rest.join(' ') }
      : { kind: 'unknown', message: ':plan wants a file: :plan gc-4711.gcplan' };
  }
  return {
    kind: 'unknown',
    message: `:${text.trim()} is not a command: :repos, :check, :storage, :history or :plan FILE`,
  };
}

export function CommandLine({
  field,
  readOnly,
  onEdit,
  onRun,
  onCancel,
}: {
  field: TextFieldState;
  readOnly: boolean;
  onEdit: (field: TextFieldState) => void;
  onRun: (command: Command) => void;
  onCancel: () => void;
}): React.JSX.Element {
  // The field as the keys so far left it: a burst of keys in one write arrives before the next frame.
  const typed = useRef(field);
  typed.current = field;
  useViewKeys(COMMAND_LINE_VIEW, (key) => {
    const action = actionFor('command-line', key, readOnly);
    if (action === 'run-command') onRun(parseCommand(typed.current.text));
    else if (action === 'cancel') onCancel();
    else if (isFieldKey(key)) {
      typed.current = editField(typed.current, key);
      onEdit(typed.current);
    }
    return true;
  });
  return <TextField field={field} label={<Text bold>:</Text>} />;
}
