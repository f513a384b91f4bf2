/** The hub pass's keys: the label typed at its confirmation, stopping it after the repos in flight, moving over the repos, opening one's history. */
import type { RepoIdentity } from '../../../gc/types.js';
import { useConsole } from '../../console-context.js';
import { useViewKeys } from '../../key-router.js';
import { actionFor } from '../../keymap.js';
import { isMove } from '../../list-state.js';
import { isFieldKey } from '../../text-field/text-field-reducer.js';
import type { ListSearch } from '../../search/use-list-search.js';
import { hubPassKeyScreen, selectedRepo, type HubPassAction, type HubPassState } from './hub-pass-reducer.js';

export function useHubPassKeys(options: {
  viewId: string;
  /** The view's state after the last key. */
  current: () => HubPassState;
  dispatch: (action: HubPassAction) => void;
  search: ListSearch;
  /** Rows a page key moves by. */
  page: number;
  /** The hub's label: the text that starts the pass. */
  label: string;
  onStart: () => void;
  onDecline: () => void;
  /** Stops the pass after the repos in flight as Ctrl+C does, and says so. */
  onStop: () => void;
  onOpen: (repo: RepoIdentity) => void;
}): void {
  const app = useConsole();
  const { viewId, current, dispatch, search, page, label, onStart, onDecline, onStop, onOpen } = options;
  useViewKeys(viewId, (key) => {
    const state = current();
    const screen = hubPassKeyScreen(state);
    const action = actionFor(screen, key, app.readOnly);
    if (screen === 'confirm-pass') {
      if (action === 'cancel') onDecline();
      else if (action === 'confirm-pass') submitLabel(state.answer.field.text);
      else if (isFieldKey(key)) dispatch({ type: 'edit', key });
      return true;
    }
    if (search.handleTyped(key) || search.handle(action)) return true;
    if (isMove(action)) dispatch({ type: 'move', action, page });
    else if (screen === 'hub-passing' && action === 'stop-after-repos') onStop();
    else if (screen === 'hub-passing' && action === 'back') {
      app.status(
        state.stopping
          ? 'The pass stops after the repos in flight; then Esc goes back.'
          : 'A pass is running: x stops it after the repos in flight.',
        'warning',
      );
    } else if (screen === 'hub-pass' && action === 'open') {
      const repo = selectedRepo(state);
      if (repo) onOpen(repo);
    } else return false;
    return true;
  });

  function submitLabel(text: string): void {
    if (text === label) onStart();
    else if (text === '') onDecline();
    else {
      dispatch({
        type: 'mismatch',
        message: `"${text}" is not ${label}: nothing was collected. Type the label exactly, or clear it and press Enter to collect nothing.`,
      });
    }
  }
}
