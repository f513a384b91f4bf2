/** The view stack (k9s style): what is open, what Esc goes back to, and the breadcrumbs. */
import { repoName, type Plan, type RepoIdentity } from '../gc/types.js';
import type { RunRecord } from '../gc/service.js';
import type { ScreenName } from './keymap.js';
import { shortId } from '../present/units.js';
import type { PassScope } from './screens/hub-pass/hub-pass-reducer.js';

export type RepoTab = 'graph' | 'preview' | 'history' | 'check';

export const REPO_TABS: readonly RepoTab[] = ['graph', 'preview', 'history', 'check'];

export type View =
  | { kind: 'repos' }
  | { kind: 'repo'; repo: RepoIdentity; tab: RepoTab }
  | { kind: 'commit'; repo: RepoIdentity; commitId: string }
  /** A past run of the repo, as history recorded it. */
  | { kind: 'run-record'; repo: RepoIdentity; run: RunRecord }
  /** A run of the plan the preview shows, or of one derived under the lock when none is shown. */
  | { kind: 'run'; repo: RepoIdentity; plan?: Plan; source?: 'preview' | 'file' }
  /** A check of every repo, started as the view opens. */
  | { kind: 'hub-check' }
  /** The blob store: its strays, their dry run and their sweep. */
  | { kind: 'storage' }
  /** GC of every repo, or of those a filter showed, once the hub's label is typed. */
  | { kind: 'hub-pass'; scope: PassScope }
  | { kind: 'help'; about: ScreenName };

export interface StackEntry {
  /** Unique for the life of the console: views keep their state by it. */
  id: number;
  view: View;
}

export interface ViewStack {
  entries: StackEntry[];
  nextId: number;
}

export type StackAction =
  | { type: 'push'; view: View }
  | { type: 'pop' }
  | { type: 'pop-to-root' }
  | { type: 'replace-top'; view: View };

export const INITIAL_STACK: ViewStack = { entries: [{ id: 0, view: { kind: 'repos' } }], nextId: 1 };

/** The stack after an action; the repos list at the bottom never goes. */
export function stackReducer(stack: ViewStack, action: StackAction): ViewStack {
  switch (action.type) {
    case 'push':
      return { entries: [...stack.entries, { id: stack.nextId, view: action.view }], nextId: stack.nextId + 1 };
    case 'pop':
      return stack.entries.length > 1 ? { ...stack, entries: stack.entries.slice(0, -1) } : stack;
    case 'pop-to-root':
      return { ...stack, entries: stack.entries.slice(0, 1) };
    case 'replace-top': {
      const top = stack.entries[stack.entries.length - 1]!;
      return { ...stack, entries: [...stack.entries.slice(0, -1), { id: top.id, view: action.view }] };
    }
  }
}

/** The view on top. */
export function topOf(stack: ViewStack): StackEntry {
  return stack.entries[stack.entries.length - 1]!;
}

const TAB_TITLES: Record<RepoTab, string> = { graph: 'Graph', preview: 'Preview', history: 'History', check: 'Check' };

/** The breadcrumbs: `Repos › owner/slug › Graph`. */
export function breadcrumbs(stack: ViewStack): string {
  const crumbs: string[] = [];
  let lastRepo = '';
  for (const { view } of stack.entries) {
    if (view.kind === 'repos') crumbs.push('Repos');
    if (view.kind === 'help') crumbs.push('Help');
    if (view.kind === 'hub-check') crumbs.push('Check all');
    if (view.kind === 'storage') crumbs.push('Storage');
    if (view.kind === 'hub-pass') crumbs.push(view.scope.repoIds ? `GC /${view.scope.filter}` : 'GC all');
    if (view.kind === 'repo' || view.kind === 'commit' || view.kind === 'run' || view.kind === 'run-record') {
      const name = repoName(view.repo);
      if (name !== lastRepo) crumbs.push(name);
      lastRepo = name;
    }
    if (view.kind === 'repo') crumbs.push(TAB_TITLES[view.tab]);
    if (view.kind === 'commit') crumbs.push(`commit ${shortId(view.commitId)}`);
    if (view.kind === 'run') crumbs.push('Run');
    if (view.kind === 'run-record') crumbs.push(`run of ${view.run.startedAt.slice(0, 16).replace('T', ' ')} UTC`);
  }
  return crumbs.join(' › ');
}
