/** A repo: its graph, preview, history and check a key apart; each view keeps its state while another shows. */
import type React from 'react';
import { useEffect, useState } from 'react';
import { Box, Text } from 'ink';
import type { RepoIdentity } from '../../../gc/types.js';
import type { ScreenProps } from '../../console-context.js';
import { Toned } from '../../theme.js';
import { REPO_TABS, type RepoTab } from '../../view-stack.js';
import { GraphScreen } from '../graph/graph-screen.js';
import { PreviewScreen } from '../preview/preview-screen.js';
import { HistoryScreen } from '../history/history-screen.js';
import { CheckScreen } from '../check/check-screen.js';

const TAB_LABELS: Record<RepoTab, string> = {
  graph: '1 Graph',
  preview: '2 Preview',
  history: '3 History',
  check: '4 Check',
};

export function RepoScreen({
  active,
  width,
  height,
  entryId,
  repo,
  tab,
}: ScreenProps & { entryId: number; repo: RepoIdentity; tab: RepoTab }): React.JSX.Element | null {
  const [visited, setVisited] = useState<ReadonlySet<RepoTab>>(new Set([tab]));
  useEffect(() => setVisited((tabs) => (tabs.has(tab) ? tabs : new Set([...tabs, tab]))), [tab]);

  const props = (which: RepoTab) => ({
    viewId: `${entryId}:${which}`,
    active: active && which === tab,
    width,
    height: Math.max(1, height - 1),
    repo,
  });
  return (
    <Box flexDirection="column">
      {active && (
        <Text>
          {REPO_TABS.map((which) => (
            <Toned key={which} tone={which === tab ? 'accent' : 'muted'} bold={which === tab}>
              {which === tab ? `[${TAB_LABELS[which]}] ` : ` ${TAB_LABELS[which]}  `}
            </Toned>
          ))}
        </Text>
      )}
      {(visited.has('graph') || tab === 'graph') && <GraphScreen {...props('graph')} />}
      {(visited.has('preview') || tab === 'preview') && <PreviewScreen {...props('preview')} />}
      {(visited.has('history') || tab === 'history') && <HistoryScreen {...props('history')} />}
      {(visited.has('check') || tab === 'check') && <CheckScreen {...props('check')} />}
    </Box>
  );
}
