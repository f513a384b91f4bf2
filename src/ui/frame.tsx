/** The console's frame: title bar, breadcrumbs, status line and the hint bar. */
import React from 'react';
import { Box, Text } from 'ink';
import { fit } from './fit.js';
import { StateBadge, Toned, type Tone } from './theme.js';

/** The smallest terminal the console draws in. */
export const MIN_SIZE = { columns: 60, rows: 10 };

/** Rows the frame takes around a screen's body. */
export const FRAME_ROWS = 4;

/** The hub, the mode (read-only in a badge, as the state to notice), the grace period, and where help is. */
export function TitleBar({ label, readOnly, grace, width }: { label: string; readOnly: boolean; grace: string; width: number }): React.JSX.Element {
  return (
    <Box width={width}>
      <Box flexGrow={1} flexShrink={1}>
        <Text bold wrap="truncate-end">
          {` musehub-gc  ·  ${label}  ·  `}
          {readOnly ? <StateBadge tone="warning">read-only</StateBadge> : 'read-write'}
          {`  ·  grace ${grace}`}
        </Text>
      </Box>
      <Text>{'? help '}</Text>
    </Box>
  );
}

export function Breadcrumbs({ text }: { text: string }): React.JSX.Element {
  return <Toned tone="accent" bold>{` ${text}`}</Toned>;
}

export function StatusLine({ message, tone, width }: { message: string; tone: Tone | undefined; width: number }): React.JSX.Element {
  return <Toned tone={tone}>{fit(message === '' ? '' : ` ${message}`, width)}</Toned>;
}

export function HintBar({ text, width }: { text: string; width: number }): React.JSX.Element {
  return <Text inverse>{fit(` ${text}`, width)}</Text>;
}

export function TooSmall({ columns, rows }: { columns: number; rows: number }): React.JSX.Element {
  return (
    <Text>
      {`Terminal too small (${columns}x${rows}): the console needs at least ${MIN_SIZE.columns}x${MIN_SIZE.rows}. Enlarge it, or press q to quit.`}
    </Text>
  );
}
