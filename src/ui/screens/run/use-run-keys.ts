/** The run's keys: answer a phase's prompt, type the slug, stop after a phase, leave when done. */
import { useConsole } from '../../console-context.js';
import { useViewKeys } from '../../key-router.js';
import { actionFor, isText } from '../../keymap.js';
import type { Decision } from '../../../gc/types.js';
import { runKeyScreen, type RunAction, type RunState } from './run-reducer.js';

export function useRunKeys(options: {
  viewId: string;
  slug: string;
  current: () => RunState;
  dispatch: (action: RunAction) => void;
  answer: (decision: Decision) => void;
}): void {
  const app = useConsole();
  const { viewId, slug, current, dispatch, answer } = options;
  useViewKeys(viewId, (key) => {
    const state = current();
    const screen = runKeyScreen(state);
    const action = actionFor(screen, key, app.readOnly);
    switch (screen) {
      case 'confirm-slug': {
        const typed = state.prompt!.typed;
        if (action === 'confirm-slug') {
          if (typed === slug) answer('go');
          else if (typed === '') answer('skip');
          else dispatch({ type: 'mismatch', message: `"${typed}" is not ${slug}: type it exactly, or clear it and press Enter to skip.` });
        } else if (action === 'stop') answer('stop');
        else if (key === 'backspace') dispatch({ type: 'erase' });
        else if (isText(key)) dispatch({ type: 'type', text: key });
        return true;
      }
      case 'confirm':
        if (action === 'go' || action === 'skip' || action === 'stop') answer(action);
        return true;
      case 'summary':
        if (action === 'back') app.pop();
        return action === 'back';
      case 'run':
        if (action === 'stop-after-phase') {
          dispatch({ type: 'stop-after-phase' });
          app.status('The run stops once this phase ends.', 'warning');
        } else if (action === 'back') {
          app.status('A run is in progress: x stops it after this phase.', 'warning');
        } else return false;
        return true;
    }
  });
}
