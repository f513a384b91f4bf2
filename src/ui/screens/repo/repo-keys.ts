/** The keys every view of a repo shares: switching views and starting a run. */
import type { Plan, RepoIdentity } from '../../../gc/types.js';
import type { ConsoleContextValue } from '../../console-context.js';
import type { KeyAction } from '../../keymap.js';
import { REPO_TABS, type RepoTab } from '../../view-stack.js';

const TAB_ACTIONS: Partial<Record<KeyAction, RepoTab>> = {
  'tab-graph': 'graph',
  'tab-preview': 'preview',
  'tab-history': 'history',
  'tab-check': 'check',
};

/** Handles a repo-wide action; returns whether it was one. A run acts on `plan` when the view shows one. */
export function handleRepoAction(
  action: KeyAction | undefined,
  repo: RepoIdentity,
  tab: RepoTab,
  app: ConsoleContextValue,
  plan?: Plan,
): boolean {
  const step = action === 'next-tab' ? 1 : action === 'previous-tab' ? REPO_TABS.length - 1 : 0;
  const target =
    step > 0 ? REPO_TABS[(REPO_TABS.indexOf(tab) + step) % REPO_TABS.length]! : action && TAB_ACTIONS[action];
  if (target) {
    if (target !== tab) app.replaceTop({ kind: 'repo', repo, tab: target });
    return true;
  }
  if (action === 'run') {
    app.push({ kind: 'run', repo, ...(plan ? { plan } : {}) });
    return true;
  }
  return false;
}
