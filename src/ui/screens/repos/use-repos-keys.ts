/** The repos table's keys: navigation, open, sort, refresh, the check of every repo, the storage view, GC of every repo, and the filter's text field. */
import { actionFor, isText } from '../../keymap.js';
import { useViewKeys } from '../../key-router.js';
import { isMove } from '../../list-state.js';
import type { RepoRow } from '../../../gc/service.js';
import { reposKeyScreen, selectedRepo, type ReposAction, type ReposState } from './repos-reducer.js';

export function useReposKeys(options: {
  viewId: string;
  readOnly: boolean;
  current: () => ReposState;
  dispatch: (action: ReposAction) => void;
  /** Rows a page key moves by. */
  page: number;
  onOpen: (repo: RepoRow) => void;
  onRefresh: () => void;
  onCheckAll: () => void;
  onStorage: () => void;
  /** GC of every repo, or of those the filter shows. */
  onCollectAll: () => void;
}): void {
  const { viewId, readOnly, current, dispatch, page, onOpen, onRefresh, onCheckAll, onStorage, onCollectAll } = options;
  useViewKeys(viewId, (key) => {
    const screen = reposKeyScreen(current());
    const action = actionFor(screen, key, readOnly);
    if (screen === 'filter') {
      if (action === 'apply-filter') dispatch({ type: 'filter-apply' });
      else if (action === 'clear-filter') dispatch({ type: 'filter-clear' });
      else if (key === 'backspace') dispatch({ type: 'filter-erase' });
      else if (isText(key)) dispatch({ type: 'filter-type', text: key });
      return true;
    }
    if (isMove(action)) dispatch({ type: 'move', action, page });
    else if (action === 'sort') dispatch({ type: 'sort' });
    else if (action === 'reverse-sort') dispatch({ type: 'reverse-sort' });
    else if (action === 'filter') dispatch({ type: 'filter-start' });
    else if (action === 'refresh') onRefresh();
    else if (action === 'check') onCheckAll();
    else if (action === 'storage') onStorage();
    else if (action === 'collect-all') onCollectAll();
    else if (action === 'open') {
      const repo = selectedRepo(current());
      if (repo) {
        dispatch({ type: 'hold-selection' });
        onOpen(repo);
      }
    } else if (action === 'clear-filter' && current().filter !== '') dispatch({ type: 'filter-clear' });
    else return false;
    return true;
  });
}
