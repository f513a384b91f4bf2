/** The run's keys: answer a phase's prompt, check the slug typed, stop after a phase, leave when done. */
import { useConsole } from '../../console-context.js';
import { useViewKeys } from '../../key-router.js';
import { actionFor } from '../../keymap.js';
import { isFieldKey } from '../../text-field/text-field-reducer.js';
import type { Decision } from '../../../gc/types.js';
import { runKeyScreen, type RunAction, type RunState } from './run-reducer.js';

/** Registers the run's keys. */
export function useRunKeys(options: {
  viewId: string;
  /** The text that confirms a phase that deletes blobs: the repo's slug, or owner/slug when another repo shares the slug. */
  slug: string;
  current: () => RunState;
  dispatch: (action: RunAction) => void;
  answer: (decision: Decision) => void;
  /** Stops the run as Ctrl+C does, and says so. */
  stop: () => void;
}): void {
  const app = useConsole();
  const { viewId, slug, current, dispatch, answer, stop } = options;
  useViewKeys(viewId, (key) => {
    const state = current();
    const screen = runKeyScreen(state);
    const action = actionFor(screen, key, app.readOnly);
    switch (screen) {
      case 'confirm-slug':
        if (action === 'stop') stop();
        else if (action === 'confirm-slug') submitSlug(state.prompt!.answer.field.text);
        else if (isFieldKey(key)) dispatch({ type: 'edit', key });
        return true;
      case 'confirm':
        if (action === 'go' || action === 'skip') answer(action);
        else if (action === 'stop') stop();
        return true;
      case 'summary':
        if (action === 'back') app.pop();
        return action === 'back';
      case 'run':
        if (action === 'stop-after-phase') stop();
        else if (action === 'back') {
          const why = state.stopAfterPhase
            ? 'The run stops after this phase; then Esc goes back.'
            : 'A run is in progress: x stops it after this phase.';
          app.status(why, 'warning');
        } else return false;
        return true;
    }
  });

  function submitSlug(text: string): void {
    if (text === slug) answer('go');
    else if (text === '') answer('skip');
    else
      dispatch({
        type: 'mismatch',
        message: `"${text}" is not ${slug}: type it exactly, or clear it and press Enter to skip.`,
      });
  }
}
