/** The check of every repo's keys: move over the repos, open one's findings, check again. */
import type { RepoCheck } from '../../../gc/service.js';
import { useConsole } from '../../console-context.js';
import { useViewKeys } from '../../key-router.js';
import { actionFor } from '../../keymap.js';
import { isMove } from '../../list-state.js';
import type { ListSearch } from '../../search/use-list-search.js';
import { hubCheckKeyScreen, selectedResult, type HubCheckAction, type HubCheckState } from './hub-check-reducer.js';

export function useHubCheckKeys(options: {
  viewId: string;
  /** The view's state after the last key. */
  current: () => HubCheckState;
  dispatch: (action: HubCheckAction) => void;
  search: ListSearch;
  page: number;
  onOpen: (result: RepoCheck) => void;
  onCheck: () => void;
}): void {
  const app = useConsole();
  const { viewId, current, dispatch, search, page, onOpen, onCheck } = options;
  useViewKeys(viewId, (key) => {
    const action = actionFor(hubCheckKeyScreen(current()), key, app.readOnly);
    if (search.handleTyped(key) || search.handle(action)) return true;
    if (isMove(action)) dispatch({ type: 'move', action, page });
    else if (action === 'open') {
      const result = selectedResult(current());
      if (result) onOpen(result);
    } else if (action === 'check') onCheck();
    else return false;
    return true;
  });
}
