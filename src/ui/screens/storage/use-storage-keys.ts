/** The Storage view's keys: a dry run, a sweep and its typed confirmation, stopping one after its batch, reloading. */
import { useConsole } from '../../console-context.js';
import { useViewKeys } from '../../key-router.js';
import { actionFor } from '../../keymap.js';
import { isFieldKey } from '../../text-field/text-field-reducer.js';
import { storageKeyScreen, SWEEP_WORD, type StorageAction, type StorageState } from './storage-reducer.js';

/** Registers the view's keys. */
export function useStorageKeys(options: {
  viewId: string;
  /** The view's state after the last key. */
  current: () => StorageState;
  dispatch: (action: StorageAction) => void;
  onStart: (dryRun: boolean) => void;
  onAnswer: (yes: boolean) => void;
  /** Stops the sweep after its batch as Ctrl+C does, and says so. */
  onStop: () => void;
  onRefresh: () => void;
}): void {
  const app = useConsole();
  const { viewId, current, dispatch, onStart, onAnswer, onStop, onRefresh } = options;
  useViewKeys(viewId, (key) => {
    const screen = storageKeyScreen(current());
    const action = actionFor(screen, key, app.readOnly);
    switch (screen) {
      case 'confirm-sweep':
        if (action === 'cancel') onAnswer(false);
        else if (action === 'confirm-sweep') submitWord(current().answer.field.text);
        else if (isFieldKey(key)) dispatch({ type: 'edit', key });
        return true;
      case 'sweeping':
        if (action === 'stop-after-batch') onStop();
        else if (action === 'back') {
          const why = current().stopping
            ? 'The sweep stops after this batch; then Esc goes back.'
            : 'A sweep is in progress: x stops it after this batch.';
          app.status(why, 'warning');
        } else return false;
        return true;
      case 'storage':
        if (action === 'dry-run' || action === 'sweep') {
          app.status('');
          onStart(action === 'dry-run');
        } else if (action === 'refresh') onRefresh();
        else return false;
        return true;
    }
  });

  function submitWord(text: string): void {
    if (text === SWEEP_WORD) onAnswer(true);
    else if (text === '') onAnswer(false);
    else
      dispatch({
        type: 'mismatch',
        message: `"${text}" is not ${SWEEP_WORD}: type it exactly, or clear it and press Enter to delete nothing.`,
      });
  }
}
