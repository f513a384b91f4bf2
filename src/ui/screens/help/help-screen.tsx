/** Every key of the screen the operator came from, drawn from the keymap. */
import type React from 'react';
import type { ScreenProps } from '../../console-context.js';
import { useConsole } from '../../console-context.js';
import { helpLines, type ScreenName } from '../../keymap.js';
import { LinePager } from '../../line-pager.js';
import { wrapIndented } from '../../fit.js';
import { MEANINGS, WORDS } from '../../../present/words.js';

export function HelpScreen({
  viewId,
  active,
  width,
  height,
  about,
}: ScreenProps & { about: ScreenName }): React.JSX.Element | null {
  const app = useConsole();
  const lines = [
    { text: `Keys of the ${about} screen${app.readOnly ? ' (read-only: the keys that delete are removed)' : ''}:` },
    ...helpLines(about, app.readOnly).map((text) => ({ text })),
    { text: '' },
    {
      text: `Glyphs: ● ${WORDS.reachable}  ✗ ${WORDS.orphaned}, ${WORDS.toDelete}  ○ ${WORDS.orphaned}, ${WORDS.kept} (grace period, another repo)`,
    },
    { text: 'Words:' },
    ...MEANINGS.map(([word, meaning]) => ({ text: `  ${word.padEnd(12)} ${meaning}` })),
  ].flatMap(({ text }) => {
    // Wrapped whole, the lines after a line's first under its text: a key's help is read to its end.
    const indent = /^ *(\S+ +)?/.exec(text)![0];
    const [first = '', ...rest] = wrapIndented(text.slice(indent.length), width, ' '.repeat(indent.length));
    return [{ text: `${indent}${first.slice(indent.length)}` }, ...rest.map((line) => ({ text: line }))];
  });
  if (!active) return null;
  return <LinePager viewId={viewId} screen="help" lines={lines} width={width} height={height} />;
}
