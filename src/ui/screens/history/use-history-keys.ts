/** The history's keys: scroll past runs, reload, switch views, start a run. */
import type { RepoIdentity } from '../../../gc/types.js';
import { useConsole } from '../../console-context.js';
import { useViewKeys } from '../../key-router.js';
import { actionFor } from '../../keymap.js';
import { isMove, type ListAction } from '../../list-state.js';
import type { ListSearch } from '../../search/use-list-search.js';
import { handleRepoAction } from '../repo/repo-keys.js';

export function useHistoryKeys(options: {
  viewId: string;
  repo: RepoIdentity;
  search: ListSearch;
  count: number;
  page: number;
  dispatch: (action: ListAction) => void;
  onRefresh: () => void;
  /** Opens the run at the cursor. */
  onOpen: () => void;
}): void {
  const app = useConsole();
  const { viewId, repo, search, count, page, dispatch, onRefresh, onOpen } = options;
  useViewKeys(viewId, (key) => {
    const action = actionFor('history', key, app.readOnly);
    if (search.handleTyped(key) || search.handle(action)) return true;
    if (isMove(action)) dispatch({ type: 'move', action, count, page });
    else if (action === 'refresh') onRefresh();
    else if (action === 'open') onOpen();
    else return handleRepoAction(action, repo, 'history', app);
    return true;
  });
}
