/** The console's frame: title bar, breadcrumbs, status line and the hint bar. */
import React from 'react';
import { Box, Text } from 'ink';
import { fit } from './fit.js';
import { Toned, type Tone } from './theme.js';

/** The smallest terminal the console draws in. */
export const MIN_SIZE = { columns: 60, rows: 10 };

/** Rows the frame takes around a screen's body. */
export const FRAME_ROWS = 4;

export function TitleBar({ label, readOnly, grace, width }: { label: string; readOnly: boolean; grace: string; width: number }): React.JSX.Element {
  const left = ` musehub-gc  ·  ${label}  ·  ${readOnly ? 'READ-ONLY' : 'read-write'}  ·  grace ${grace}`;
  const right = '? help ';
  return (
    <Box>
      <Text bold>{fit(left, Math.max(0, width - right.length))}</Text>
      <Text>{right}</Text>
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
