/** One commit: message, author, time, snapshot and its files. */
import React, { useEffect, useMemo } from 'react';
import { Spinner } from '@inkjs/ui';
import { useConsole, useHintScope, type ScreenProps } from '../../console-context.js';
import { describeError } from '../../errors.js';
import { LinePager } from '../../line-pager.js';
import { useLoad } from '../../use-load.js';
import { commitLines } from './commit-lines.js';

export function CommitScreen({ viewId, active, width, height, commitId }: ScreenProps & { commitId: string }): React.JSX.Element | null {
  const app = useConsole();
  const [loaded, reload] = useLoad(() => app.service.commit(commitId), commitId);
  useEffect(() => {
    if (loaded.state === 'failed') app.status(describeError('the commit', loaded.error), 'error');
  }, [loaded]);
  const lines = useMemo(
    () =>
      loaded.state === 'ready'
        ? commitLines(loaded.value, app.now(), width)
        : [{ text: loaded.state === 'failed' ? 'The commit did not load. Press r to retry.' : 'loading…' }],
    [loaded, width],
  );
  useHintScope(viewId, active, 'commit');
  if (!active) return null;
  if (loaded.state === 'loading') return <Spinner label="loading the commit…" />;
  return <LinePager viewId={viewId} screen="commit" lines={lines} width={width} height={height} onRefresh={reload} />;
}
