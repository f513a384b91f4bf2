/** Every key of the screen the operator came from, drawn from the keymap. */
import React from 'react';
import type { ScreenProps } from '../../console-context.js';
import { useConsole, useHintScope } from '../../console-context.js';
import { helpLines, type ScreenName } from '../../keymap.js';
import { LinePager } from '../../line-pager.js';

export function HelpScreen({ viewId, active, width, height, about }: ScreenProps & { about: ScreenName }): React.JSX.Element | null {
  const app = useConsole();
  useHintScope(viewId, active, 'help');
  const lines = [
    { text: `Keys of the ${about} screen${app.readOnly ? ' (read-only: the keys that delete are removed)' : ''}:` },
    ...helpLines(about, app.readOnly).map((text) => ({ text })),
    { text: '' },
    { text: 'Glyphs: ● reachable  ✗ orphaned (GC deletes it)  ○ kept though unreachable (grace period, another repo)' },
  ];
  if (!active) return null;
  return <LinePager viewId={viewId} screen="help" lines={lines} width={width} height={height} />;
}
