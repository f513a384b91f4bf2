/** The console's frame: title bar, breadcrumbs, status line and the hint bar. */
import type React from 'react';
import { Box, Text } from 'ink';
import { fit, fitStart, fitWhole, wrapIndented } from './fit.js';
import { StateBadge, Toned, type Tone } from './theme.js';

/** The smallest terminal the console draws in. */
export const MIN_SIZE = { columns: 60, rows: 10 };

/** Rows the frame takes around a screen's body, beside the status line's (title, breadcrumbs, hints). */
export const FRAME_ROWS = 3;

const HELP = '? help ';

/**
 * The hub, the mode (read-only in a badge, as the state to notice), the grace period, and where
 * help is. When narrow, the hub's label is cut from its start, never the mode: the mode says what
 * keys can do.
 */
export function TitleBar({
  label,
  readOnly,
  grace,
  width,
}: {
  label: string;
  readOnly: boolean;
  grace: string;
  width: number;
}): React.JSX.Element {
  // The badge draws its word with a space either side.
  const mode = readOnly ? ' READ-ONLY ' : 'read-write';
  const before = ' musehub-gc · ';
  const after = ` · ${mode} · grace ${grace}`;
  const room = width - before.length - after.length - HELP.length - 1;
  return (
    <Box width={width}>
      <Box flexGrow={1} flexShrink={1}>
        <Text bold wrap="truncate-end">
          {`${before}${fitStart(label, Math.max(1, room))} · `}
          {readOnly ? <StateBadge tone="warning">read-only</StateBadge> : 'read-write'}
          {` · grace ${grace}`}
        </Text>
      </Box>
      <Box flexShrink={0}>
        <Text>{HELP}</Text>
      </Box>
    </Box>
  );
}

export function Breadcrumbs({ text }: { text: string }): React.JSX.Element {
  return <Toned tone="accent" bold>{` ${text}`}</Toned>;
}

/** The status line's lines: the message wrapped whole, one empty line when there is none. */
export function statusLines(message: string, width: number): string[] {
  return message === '' ? [''] : wrapIndented(message, width, ' ');
}

export function StatusLine({
  lines,
  tone,
  width,
}: {
  lines: readonly string[];
  tone: Tone | undefined;
  width: number;
}): React.JSX.Element {
  return (
    <>
      {lines.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: status lines are stateless text that may repeat.
        <Toned key={index} tone={tone}>
          {fit(line, width)}
        </Toned>
      ))}
    </>
  );
}

/** The hints that fit, each whole; `?` lists the rest. */
export function HintBar({ hints, width }: { hints: readonly string[]; width: number }): React.JSX.Element {
  return <Text inverse>{fit(` ${fitWhole(hints, width - 1)}`, width)}</Text>;
}

export function TooSmall({ columns, rows }: { columns: number; rows: number }): React.JSX.Element {
  return (
    <Text>
      {`Terminal too small (${columns}x${rows}): the console needs at least ${MIN_SIZE.columns}x${MIN_SIZE.rows}. Enlarge it, or press q to quit.`}
    </Text>
  );
}
