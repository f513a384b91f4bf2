/**
 * The preview's keys: move over phases or a phase's list, ask why about an item, replan, save the plan,
 * switch views, run the plan shown.
 */
import type { Plan, RepoIdentity } from '../../../gc/types.js';
import { useConsole } from '../../console-context.js';
import { useViewKeys } from '../../key-router.js';
import { actionFor } from '../../keymap.js';
import { isMove } from '../../list-state.js';
import { isFieldKey } from '../../text-field/text-field-reducer.js';
import type { ListSearch } from '../../search/use-list-search.js';
import { closeWhyOn, type Why } from '../../why-panel.js';
import { handleRepoAction } from '../repo/repo-keys.js';
import { previewKeyScreen, type PreviewAction, type PreviewState } from './preview-reducer.js';

export function usePreviewKeys(options: {
  viewId: string;
  repo: RepoIdentity;
  /** The plan on screen, once computed: what R runs and w saves. */
  plan: Plan | null;
  /** The preview's state after the last key. */
  current: () => PreviewState;
  /** The search of the chosen phase's list. */
  search: ListSearch;
  phaseCount: number;
  itemCount: number;
  page: number;
  dispatch: (action: PreviewAction) => void;
  onReplan: () => void;
  /** Saves the plan on screen to the file named. */
  onSave: (shown: Plan, path: string) => void;
  /** The answer to "why is this alive?" under the list: Esc and moves close it. */
  why: Why;
  onWhy: () => void;
}): void {
  const app = useConsole();
  const { viewId, repo, plan, current, search, phaseCount, itemCount, page, dispatch, onReplan, onSave, why, onWhy } =
    options;
  useViewKeys(viewId, (key) => {
    const screen = previewKeyScreen(current());
    const action = actionFor(screen, key, app.readOnly);
    if (screen === 'save-path') {
      const path = current().savingTo!.text;
      if (action === 'cancel') dispatch({ type: 'end-save' });
      else if (action === 'save-plan') {
        dispatch({ type: 'end-save' });
        if (plan) onSave(plan, path);
      } else if (isFieldKey(key)) dispatch({ type: 'edit-path', key });
      return true;
    }
    if (search.handleTyped(key)) return true;
    if (closeWhyOn(why, action)) return true;
    if (search.handle(action)) return true;
    if (isMove(action)) dispatch({ type: 'move', action, phaseCount, itemCount, page });
    else if (action === 'why') onWhy();
    else if (action === 'toggle-focus') dispatch({ type: 'toggle-focus' });
    else if (action === 'refresh') {
      dispatch({ type: 'reset' });
      onReplan();
    } else if (action === 'save-plan') {
      if (plan) dispatch({ type: 'start-save', path: planFileName(plan) });
    } else return handleRepoAction(action, repo, 'preview', app, plan ?? undefined);
    return true;
  });
}

/** Where a plan is saved unless the operator says otherwise: `lowend-blue-in-green-20261202T1155Z.gcplan`. */
export function planFileName(plan: Plan): string {
  const stamp = plan.computedAt
    .replace(/[-:]/g, '')
    .replace(/\.\d+/, '')
    .replace(/(T\d{4})\d{2}Z$/, '$1Z');
  return `${plan.repo.owner}-${plan.repo.slug}-${stamp}.gcplan`;
}
