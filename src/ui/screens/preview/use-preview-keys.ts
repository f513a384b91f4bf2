/** The preview's keys: move over phases or a phase's list, replan, switch views, start a run. */
import type { RepoIdentity } from '../../../gc/types.js';
import { useConsole } from '../../console-context.js';
import { useViewKeys } from '../../key-router.js';
import { actionFor } from '../../keymap.js';
import { isMove } from '../../list-state.js';
import { handleRepoAction } from '../repo/repo-keys.js';
import type { PreviewAction } from './preview-reducer.js';

export function usePreviewKeys(options: {
  viewId: string;
  repo: RepoIdentity;
  phaseCount: number;
  itemCount: number;
  page: number;
  dispatch: (action: PreviewAction) => void;
  onReplan: () => void;
}): void {
  const app = useConsole();
  const { viewId, repo, phaseCount, itemCount, page, dispatch, onReplan } = options;
  useViewKeys(viewId, (key) => {
    const action = actionFor('preview', key, app.readOnly);
    if (isMove(action)) dispatch({ type: 'move', action, phaseCount, itemCount, page });
    else if (action === 'toggle-focus') dispatch({ type: 'toggle-focus' });
    else if (action === 'refresh') {
      dispatch({ type: 'reset' });
      onReplan();
    } else return handleRepoAction(action, repo, 'preview', app);
    return true;
  });
}
