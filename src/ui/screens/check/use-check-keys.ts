/** The Check tab's keys: scroll the findings, check now, switch views, start a run. */
import type { RepoIdentity } from '../../../gc/types.js';
import { useConsole } from '../../console-context.js';
import { useViewKeys } from '../../key-router.js';
import { actionFor } from '../../keymap.js';
import { isMove } from '../../list-state.js';
import type { ListSearch } from '../../search/use-list-search.js';
import { handleRepoAction } from '../repo/repo-keys.js';
import { checkKeyScreen, type CheckAction, type CheckState } from './check-reducer.js';

export function useCheckKeys(options: {
  viewId: string;
  repo: RepoIdentity;
  /** The tab's state after the last key. */
  current: () => CheckState;
  dispatch: (action: CheckAction) => void;
  search: ListSearch;
  /** Lines of findings the keys scroll over. */
  count: number;
  page: number;
  onCheck: () => void;
}): void {
  const app = useConsole();
  const { viewId, repo, current, dispatch, search, count, page, onCheck } = options;
  useViewKeys(viewId, (key) => {
    const action = actionFor(checkKeyScreen(current()), key, app.readOnly);
    if (search.handleTyped(key) || search.handle(action)) return true;
    if (isMove(action)) dispatch({ type: 'move', action, count, page });
    else if (action === 'check') onCheck();
    else return handleRepoAction(action, repo, 'check', app);
    return true;
  });
}
