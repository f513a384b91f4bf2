/**
 * Colour as a context: NO_COLOR turns it off and the glyphs alone tell states apart.
 * @inkjs/ui's widgets take their colours from the same switch.
 */
import type React from 'react';
import { createContext, useContext } from 'react';
import { Text, type TextProps } from 'ink';
import {
  Badge,
  defaultTheme,
  extendTheme,
  ThemeProvider as WidgetThemeProvider,
  type Theme as WidgetTheme,
} from '@inkjs/ui';

export interface Theme {
  color: boolean;
}

const ThemeContext = createContext<Theme>({ color: true });

/** Whether NO_COLOR (any non-empty value) asks for no colour. */
export function colorFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.NO_COLOR;
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

/** @inkjs/ui's widgets in the console's accent colour, or, without colour, in plain and inverse text. */
const WIDGET_THEMES: Record<'color' | 'plain', WidgetTheme> = {
  color: extendTheme(defaultTheme, {
    components: {
      Spinner: { styles: { frame: () => ({ color: TONES.accent }) } },
      ProgressBar: { styles: { completed: () => ({ color: TONES.accent }) } },
    },
  }),
  plain: extendTheme(defaultTheme, {
    components: {
      Spinner: { styles: { frame: () => ({}) } },
      ProgressBar: { styles: { completed: () => ({}) } },
      Badge: { styles: { container: () => ({ inverse: true }), label: () => ({}) } },
    },
  }),
};

/** Provides the theme to the console's components and to @inkjs/ui's. */
export function ThemeProvider({
  color,
  children,
}: {
  /** Colour on, or off (NO_COLOR). */
  color: boolean;
  children: React.ReactNode;
}): React.JSX.Element {
  return (
    <ThemeContext.Provider value={{ color }}>
      <WidgetThemeProvider theme={WIDGET_THEMES[color ? 'color' : 'plain']}>{children}</WidgetThemeProvider>
    </ThemeContext.Provider>
  );
}

/** Text in a tone's colour when colour is on; plain otherwise (bold and inverse stay). */
export function Toned({ tone, ...props }: TextProps & { tone?: Tone | undefined }): React.JSX.Element {
  const { color } = useContext(ThemeContext);
  return <Text {...props} color={color && tone ? TONES[tone] : undefined} />;
}

const OUTCOME_TONES: Record<string, Tone> = {
  done: 'done',
  stopped: 'warning',
  declined: 'warning',
  running: 'accent',
  interrupted: 'warning',
};

/** A run's or a sweep's outcome in a badge: done green, stopped, declined or interrupted yellow, running cyan, failed or refused red. */
export function OutcomeBadge({ outcome }: { outcome: string }): React.JSX.Element {
  return <StateBadge tone={OUTCOME_TONES[outcome] ?? 'error'}>{outcome}</StateBadge>;
}

/** A state in a badge of its tone's colour (`DONE`, `READ-ONLY`); inverse text without colour. */
export function StateBadge({
  tone,
  children,
}: {
  /** The colour the badge has when colour is on. */
  tone: Tone;
  /** The state's word; the badge writes it in capitals. */
  children: string;
}): React.JSX.Element {
  return <Badge color={TONES[tone]}>{children}</Badge>;
}
