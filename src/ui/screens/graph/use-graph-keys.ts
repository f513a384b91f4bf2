/** The graph's keys: scroll the history, open a commit, ask why it is alive, switch views, start a run. */
import type { RepoIdentity } from '../../../gc/types.js';
import { useConsole } from '../../console-context.js';
import { useViewKeys } from '../../key-router.js';
import { actionFor } from '../../keymap.js';
import { isMove, type ListAction, type ListState } from '../../list-state.js';
import type { ListSearch } from '../../search/use-list-search.js';
import { closeWhyOn, type Why } from '../../why-panel.js';
import { handleRepoAction } from '../repo/repo-keys.js';

export function useGraphKeys(options: {
  viewId: string;
  repo: RepoIdentity;
  count: number;
  page: number;
  search: ListSearch;
  /** While the graph loads, moves are handed here to replay once it is there. */
  onEarlyMove: ((action: ListAction & { type: 'move' }) => void) | null;
  current: () => ListState;
  dispatch: (action: ListAction) => void;
  onOpen: (index: number) => void;
  onRefresh: () => void;
  /** The answer to "why is this alive?" under the list: Esc and moves close it. */
  why: Why;
  onWhy: (index: number) => void;
}): void {
  const app = useConsole();
  const { viewId, repo, count, page, search, onEarlyMove, current, dispatch, onOpen, onRefresh, why, onWhy } = options;
  useViewKeys(viewId, (key) => {
    const action = actionFor('graph', key, app.readOnly);
    if (search.handleTyped(key)) return true;
    if (closeWhyOn(why, action)) return true;
    if (search.handle(action)) return true;
    if (isMove(action)) (onEarlyMove ?? dispatch)({ type: 'move', action, count, page });
    else if (action === 'open') {
      if (count > 0) onOpen(current().cursor);
    } else if (action === 'why') {
      if (count > 0) onWhy(current().cursor);
    } else if (action === 'refresh') onRefresh();
    else return handleRepoAction(action, repo, 'graph', app);
    return true;
  });
}
