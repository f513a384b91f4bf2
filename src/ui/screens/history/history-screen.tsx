/** Past GC runs of the repo, newest first. */
import React, { useEffect } from 'react';
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import type { RepoIdentity } from '../../../gc/types.js';
import { useConsole, useHintScope, type ScreenProps } from '../../console-context.js';
import { describeError } from '../../errors.js';
import { fit } from '../../fit.js';
import { EMPTY_LIST, listReducer } from '../../list-state.js';
import { useSyncReducer } from '../../sync-reducer.js';
import { Toned } from '../../theme.js';
import { useLoad } from '../../use-load.js';
import { pageRows, VirtualList } from '../../virtual-list.js';
import { HISTORY_HEADER, historyLine } from './history-rows.js';
import { useHistoryKeys } from './use-history-keys.js';

export function HistoryScreen({ viewId, active, width, height, repo }: ScreenProps & { repo: RepoIdentity }): React.JSX.Element | null {
  const app = useConsole();
  const [loaded, reload] = useLoad(() => app.service.history(repo), `${repo.repoId}@${app.dataVersion}`);
  const [list, dispatch] = useSyncReducer(listReducer, EMPTY_LIST);
  useEffect(() => {
    if (loaded.state === 'failed') app.status(describeError('the history', loaded.error), 'error');
  }, [loaded]);
  const runs = loaded.state === 'ready' ? loaded.value : [];
  const listHeight = Math.max(1, height - 1);
  useHintScope(viewId, active, 'history');
  useHistoryKeys({ viewId, repo, count: runs.length, page: pageRows(runs.length, listHeight), dispatch, onRefresh: reload });

  if (!active) return null;
  if (loaded.state === 'loading') return <Spinner label="loading past runs…" />;
  return (
    <Box flexDirection="column">
      <Text bold>{fit(HISTORY_HEADER, width)}</Text>
      <VirtualList
        count={runs.length}
        list={list}
        height={listHeight}
        empty={loaded.state === 'failed' ? 'Past runs did not load. Press r to retry.' : 'No GC has run on this repo yet.'}
        renderRow={(index, selected) => {
          const run = runs[index]!;
          return (
            <Toned tone={run.errors.length > 0 ? 'error' : undefined} inverse={selected}>
              {fit(`${selected ? '▸ ' : '  '}${historyLine(run, app.now())}`, width)}
            </Toned>
          );
        }}
      />
    </Box>
  );
}
