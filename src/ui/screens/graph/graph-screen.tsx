/** The commit DAG in lanes: reachable ●, orphaned ✗, kept ○; only the visible window is drawn. */
import type React from 'react';
import { useEffect, useMemo, useRef } from 'react';
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import type { RepoIdentity } from '../../../gc/types.js';
import type { CommitState } from '../../../gc/service.js';
import { useConsole, useHintScope, type ScreenProps } from '../../console-context.js';
import { describeError } from '../../errors.js';
import { EMPTY_LIST, listReducer, pageRows, type ListAction } from '../../list-state.js';
import { useSyncReducer } from '../../sync-reducer.js';
import { Toned, type Tone } from '../../theme.js';
import { useLoad } from '../../use-load.js';
import { VirtualList } from '../../virtual-list.js';
import { rowsOf, Wrapped } from '../../wrapped.js';
import { useWhy, WhyPanel, whyRows } from '../../why-panel.js';
import { Highlighted } from '../../search/search-line.js';
import { useListSearch } from '../../search/use-list-search.js';
import { buildGraphModel, graphLine, graphMatches, type GraphModel } from './graph-model.js';
import { useGraphKeys } from './use-graph-keys.js';

const STATE_TONES: Record<CommitState, Tone> = { reachable: 'reachable', orphaned: 'orphaned', kept: 'kept' };

export function GraphScreen({
  viewId,
  active,
  width,
  height,
  repo,
}: ScreenProps & { repo: RepoIdentity }): React.JSX.Element | null {
  const app = useConsole();
  const [loaded, reload] = useLoad(
    () => app.service.graph(repo, app.graceSeconds),
    `${repo.repoId}@${app.dataVersion}`,
  );
  const model = useMemo(() => (loaded.state === 'ready' ? buildGraphModel(loaded.value) : null), [loaded]);
  const [list, dispatch, current] = useSyncReducer(listReducer, EMPTY_LIST);
  // app.status changes with any console state (a check, a run): following it would say the failure again
  // over a newer message.
  // biome-ignore lint/correctness/useExhaustiveDependencies: says a failed load once, when it lands
  useEffect(() => {
    if (loaded.state === 'failed') app.status(describeError('the graph', loaded.error), 'error');
  }, [loaded]);

  const why = useWhy(repo);
  const count = model?.rows.length ?? 0;
  // The summary, whole, above the list; the answer to `why`, whole, below it.
  const listHeight = Math.max(1, height - (model ? rowsOf(model.summary, width) : 1) - whyRows(why.shown, width));
  // Keys typed in the same write as the Enter that opened the graph move it once it is there.
  const earlyMoves = useRef<Array<ListAction & { type: 'move' }>>([]);
  useEffect(() => {
    if (!model) return;
    for (const move of earlyMoves.current)
      dispatch({ ...move, count: model.rows.length, page: pageRows(model.rows.length, listHeight) });
    earlyMoves.current = [];
  }, [model, dispatch, listHeight]);
  const page = pageRows(count, listHeight);
  const search = useListSearch({
    count,
    matches: (index, needle) => model !== null && graphMatches(model, index, needle),
    cursor: () => current().cursor,
    jump: (cursor) => dispatch({ type: 'place', cursor, count, page }),
  });
  useHintScope(viewId, active, search.typing ? 'search' : 'graph');
  useGraphKeys({
    viewId,
    repo,
    count,
    page,
    search,
    onEarlyMove: loaded.state === 'loading' ? (move) => earlyMoves.current.push(move) : null,
    current,
    dispatch,
    onOpen: (index) => model && app.push({ kind: 'commit', repo, commitId: model.rows[index]!.commitId }),
    onRefresh: reload,
    why,
    onWhy: (index) => model && why.ask(model.rows[index]!.commitId),
  });

  if (!active) return null;
  if (loaded.state === 'loading') return <Spinner label="loading the graph…" />;
  if (!model) return <Text>The graph did not load. Press r to retry.</Text>;
  return (
    <Box flexDirection="column">
      <Wrapped text={model.summary} width={width} />
      <VirtualList
        count={count}
        list={list}
        height={listHeight}
        empty="This repo has no commits."
        search={search.state}
        renderRow={(index, selected) => (
          <GraphLineView
            model={model}
            index={index}
            selected={selected}
            width={width}
            now={app.now()}
            needle={search.needle}
          />
        )}
      />
      <WhyPanel shown={why.shown} width={width} />
    </Box>
  );
}

function GraphLineView({
  model,
  index,
  selected,
  width,
  now,
  needle,
}: {
  model: GraphModel;
  index: number;
  selected: boolean;
  width: number;
  now: number;
  /** What the search highlights. */
  needle: string;
}): React.JSX.Element {
  const line = graphLine(model, index, width, now);
  const tone = STATE_TONES[model.commits[index]!.state];
  return (
    <Text>
      <Text inverse={selected}>{selected ? '▸ ' : '  '}</Text>
      <Text>{line.before}</Text>
      <Toned tone={tone} bold>
        {line.glyph}
      </Toned>
      <Text>{line.after}</Text>
      <Toned tone={tone === 'reachable' ? undefined : tone} inverse={selected}>
        <Highlighted text={line.text} needle={needle} />
      </Toned>
      <Toned tone="muted">{` ${line.right}`}</Toned>
    </Text>
  );
}
