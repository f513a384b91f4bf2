/** One commit: message, author, time, snapshot and its files; y asks why it is alive. */
import type React from 'react';
import { useEffect, useMemo } from 'react';
import { Box } from 'ink';
import { Spinner } from '@inkjs/ui';
import type { RepoIdentity } from '../../../gc/types.js';
import { useConsole, type ScreenProps } from '../../console-context.js';
import { describeError } from '../../errors.js';
import { LinePager } from '../../line-pager.js';
import { useLoad } from '../../use-load.js';
import { closeWhyOn, useWhy, WhyPanel, whyRows } from '../../why-panel.js';
import { commitLines } from './commit-lines.js';

export function CommitScreen({
  viewId,
  active,
  width,
  height,
  repo,
  commitId,
}: ScreenProps & { repo: RepoIdentity; commitId: string }): React.JSX.Element | null {
  const app = useConsole();
  const [loaded, reload] = useLoad(() => app.service.commit(commitId), commitId);
  const why = useWhy(repo);
  // app.status changes with any console state (a check, a run): following it would say the failure again
  // over a newer message.
  // biome-ignore lint/correctness/useExhaustiveDependencies: says a failed load once, when it lands
  useEffect(() => {
    if (loaded.state === 'failed') app.status(describeError('the commit', loaded.error), 'error');
  }, [loaded]);
  const lines = useMemo(
    () =>
      loaded.state === 'ready'
        ? commitLines(loaded.value, app.now(), width)
        : [{ text: loaded.state === 'failed' ? 'The commit did not load. Press r to retry.' : 'loading…' }],
    [loaded, width, app.now],
  );
  if (!active) return null;
  if (loaded.state === 'loading') return <Spinner label="loading the commit…" />;
  return (
    <Box flexDirection="column">
      <LinePager
        viewId={viewId}
        screen="commit"
        lines={lines}
        width={width}
        height={Math.max(1, height - whyRows(why.shown, width))}
        onRefresh={reload}
        onMove={why.close}
        onAction={(action) => {
          if (closeWhyOn(why, action)) return true;
          if (action !== 'why') return false;
          why.ask(commitId);
          return true;
        }}
      />
      <WhyPanel shown={why.shown} width={width} />
    </Box>
  );
}
