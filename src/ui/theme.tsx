/** Colour as a context: NO_COLOR turns it off and the glyphs alone tell states apart. */
import React, { createContext, useContext } from 'react';
import { Text, type TextProps } from 'ink';

export interface Theme {
  color: boolean;
}

const ThemeContext = createContext<Theme>({ color: true });

/** Provides the theme to the console's components. */
export const ThemeProvider = ThemeContext.Provider;

/** Whether NO_COLOR (any non-empty value) asks for no colour. */
export function colorFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env['NO_COLOR'];
}

/** The colours of the console's meanings. */
export type Tone = 'orphaned' | 'kept' | 'reachable' | 'done' | 'error' | 'warning' | 'muted' | 'accent';

const TONES: Record<Tone, string> = {
  orphaned: 'red',
  kept: 'yellow',
  reachable: 'green',
  done: 'green',
  error: 'red',
  warning: 'yellow',
  muted: 'gray',
  accent: 'cyan',
};

/** Text in a tone's colour when colour is on; plain otherwise (bold and inverse stay). */
export function Toned({ tone, ...props }: TextProps & { tone?: Tone | undefined }): React.JSX.Element {
  const { color } = useContext(ThemeContext);
  return <Text {...props} color={color && tone ? TONES[tone] : undefined} />;
}
