/**
 * The one keymap: every binding of every screen. The key router resolves keys with it,
 * and the hint bar and the help screen are drawn from it; read-only mode filters the
 * destructive bindings out of the same table.
 */
import type { Key } from 'ink';

/** Where a binding applies; `global` applies wherever the screen does not take the key. */
export type KeyScope =
  | 'global'
  | 'list'
  | 'searchable'
  | 'search'
  | 'repos'
  | 'filter'
  | 'repo'
  | 'graph'
  | 'preview'
  | 'save-path'
  | 'history'
  | 'check'
  | 'hub-check'
  | 'hub-recheck'
  | 'storage'
  | 'sweeping'
  | 'confirm-sweep'
  | 'confirm-pass'
  | 'hub-passing'
  | 'hub-pass'
  | 'commit'
  | 'run-record'
  | 'run'
  | 'confirm'
  | 'confirm-slug'
  | 'summary'
  | 'command-line'
  | 'help';

export type KeyAction =
  | 'help'
  | 'quit'
  | 'back'
  | 'down'
  | 'up'
  | 'top'
  | 'bottom'
  | 'page-down'
  | 'page-up'
  | 'open'
  | 'filter'
  | 'sort'
  | 'refresh'
  | 'apply-filter'
  | 'clear-filter'
  | 'tab-graph'
  | 'tab-preview'
  | 'tab-history'
  | 'tab-check'
  | 'next-tab'
  | 'previous-tab'
  | 'reverse-sort'
  | 'run'
  | 'toggle-focus'
  | 'save-plan'
  | 'cancel'
  | 'stop-after-phase'
  | 'go'
  | 'skip'
  | 'stop'
  | 'confirm-slug'
  | 'check'
  | 'storage'
  | 'dry-run'
  | 'sweep'
  | 'stop-after-batch'
  | 'confirm-sweep'
  | 'collect-all'
  | 'confirm-pass'
  | 'stop-after-repos'
  | 'write-report'
  | 'command'
  | 'run-command'
  | 'why'
  | 'search'
  | 'find'
  | 'next-match'
  | 'previous-match';

export interface Binding {
  scope: KeyScope;
  /** Normalised key names (see keysOf): `j`, `down`, `enter`, `esc`, `pgdn`, `ctrl+c`. */
  keys: readonly string[];
  action: KeyAction;
  /** What the help screen says it does. */
  help: string;
  /** The hint bar's label; bindings without one appear in help only. */
  hint?: string;
  /** Deletes something: removed in read-only mode. */
  destructive?: boolean;
}

const NAVIGATION: Binding[] = [
  { scope: 'list', keys: ['j', 'down'], action: 'down', help: 'move down' },
  { scope: 'list', keys: ['k', 'up'], action: 'up', help: 'move up' },
  { scope: 'list', keys: ['g', 'home'], action: 'top', help: 'go to the first row' },
  { scope: 'list', keys: ['G', 'end'], action: 'bottom', help: 'go to the last row' },
  { scope: 'list', keys: ['pgdn'], action: 'page-down', help: 'page down' },
  { scope: 'list', keys: ['pgup'], action: 'page-up', help: 'page up' },
];

/** A list's search (less, vim, lazygit): on the graph a commit id's first characters find that commit. */
const SEARCH: Binding[] = [
  {
    scope: 'searchable',
    keys: ['/'],
    action: 'search',
    help: "search the list (case ignored; on the graph a commit id's first characters, its labels, message, author): Enter jumps to the first match from the cursor, matches underlined; esc clears the search",
    hint: 'search',
  },
  { scope: 'searchable', keys: ['n'], action: 'next-match', help: 'go to the next match of the search' },
  { scope: 'searchable', keys: ['N'], action: 'previous-match', help: 'go to the previous match of the search' },
  { scope: 'search', keys: ['enter'], action: 'find', help: 'jump to the first match from the cursor', hint: 'find' },
  { scope: 'search', keys: ['esc'], action: 'cancel', help: 'close the search field', hint: 'cancel' },
];

const REPO_TABS: Binding[] = [
  { scope: 'repo', keys: ['1'], action: 'tab-graph', help: 'show the commit graph', hint: 'graph' },
  { scope: 'repo', keys: ['2'], action: 'tab-preview', help: 'show what GC would delete', hint: 'preview' },
  { scope: 'repo', keys: ['3'], action: 'tab-history', help: 'show past runs', hint: 'history' },
  {
    scope: 'repo',
    keys: ['4'],
    action: 'tab-check',
    help: 'show the integrity check: what must be said before anything is pruned',
    hint: 'check',
  },
  { scope: 'repo', keys: ['tab', 'right', 'l'], action: 'next-tab', help: 'next view of the repo' },
  { scope: 'repo', keys: ['shift+tab', 'left', 'h'], action: 'previous-tab', help: 'previous view of the repo' },
  {
    scope: 'repo',
    keys: ['R'],
    action: 'run',
    help: 'start a GC run (asks before each phase)',
    hint: 'run gc',
    destructive: true,
  },
];

/** Every binding, by scope. */
export const KEYMAP: readonly Binding[] = [
  { scope: 'global', keys: ['?'], action: 'help', help: 'this help', hint: 'help' },
  { scope: 'global', keys: ['esc'], action: 'back', help: 'back to the previous view', hint: 'back' },
  {
    scope: 'global',
    keys: [':'],
    action: 'command',
    help: 'a command: :repos, :check (every repo), :storage, :history (of the repo open), :plan FILE (apply a saved plan)',
  },
  { scope: 'command-line', keys: ['enter'], action: 'run-command', help: 'run the command typed', hint: 'go' },
  { scope: 'command-line', keys: ['esc'], action: 'cancel', help: 'close the command line', hint: 'cancel' },
  { scope: 'global', keys: ['q'], action: 'quit', help: 'quit (from the repos list)', hint: 'quit' },
  {
    scope: 'global',
    keys: ['ctrl+c'],
    action: 'quit',
    help: 'quit; during a run, a sweep or a hub pass, first stop it where it safely can: after the phase, the batch, the repos in flight (again: quit now)',
  },
  ...NAVIGATION,
  ...SEARCH,
  { scope: 'repos', keys: ['enter'], action: 'open', help: 'open the repo', hint: 'open' },
  { scope: 'repos', keys: ['/'], action: 'filter', help: 'filter repos by name', hint: 'filter' },
  { scope: 'repos', keys: ['s'], action: 'sort', help: 'sort by the next column (▼ marks it)', hint: 'sort' },
  { scope: 'repos', keys: ['S'], action: 'reverse-sort', help: 'reverse the sort (▲ marks it)' },
  { scope: 'repos', keys: ['r'], action: 'refresh', help: 'reload repos and estimates', hint: 'refresh' },
  {
    scope: 'repos',
    keys: ['c'],
    action: 'check',
    help: 'check every repo (changes nothing), then say which are clean',
    hint: 'check all',
  },
  {
    scope: 'repos',
    keys: ['b'],
    action: 'storage',
    help: 'the blob store: strays no row names, their dry run and their sweep',
    hint: 'storage',
  },
  {
    scope: 'repos',
    keys: ['A'],
    action: 'collect-all',
    help: "GC every repo, or those the filter shows: asks once, for the hub's label typed, then shows each repo's run",
    hint: 'gc all',
    destructive: true,
  },
  { scope: 'repos', keys: ['esc'], action: 'clear-filter', help: 'clear the filter kept' },
  { scope: 'filter', keys: ['enter'], action: 'apply-filter', help: 'keep the filter', hint: 'keep' },
  { scope: 'filter', keys: ['esc'], action: 'clear-filter', help: 'clear the filter', hint: 'clear' },
  ...REPO_TABS,
  { scope: 'graph', keys: ['enter'], action: 'open', help: 'show the commit', hint: 'details' },
  { scope: 'graph', keys: ['r'], action: 'refresh', help: 'reload the graph' },
  {
    scope: 'graph',
    keys: ['y'],
    action: 'why',
    help: 'why is the commit alive: what GC does with it and the path that keeps it (esc or a move closes it)',
    hint: 'why',
  },
  {
    scope: 'preview',
    keys: ['enter'],
    action: 'toggle-focus',
    help: 'switch between phases and their list',
    hint: 'list',
  },
  { scope: 'preview', keys: ['r'], action: 'refresh', help: 'compute the plan again', hint: 'replan' },
  {
    scope: 'preview',
    keys: ['w'],
    action: 'save-plan',
    help: 'save this plan to a file, for `musehub-gc run --plan FILE`',
    hint: 'save plan',
  },
  {
    scope: 'preview',
    keys: ['y'],
    action: 'why',
    help: "why is the list's item alive: what GC does with it and the path that keeps it (esc or a move closes it)",
    hint: 'why',
  },
  { scope: 'save-path', keys: ['enter'], action: 'save-plan', help: 'save the plan to the file named', hint: 'save' },
  { scope: 'save-path', keys: ['esc'], action: 'cancel', help: 'do not save', hint: 'cancel' },
  {
    scope: 'history',
    keys: ['enter'],
    action: 'open',
    help: 'open the run: per phase what it deleted, what stayed and why, what differed, its errors and times',
    hint: 'open',
  },
  { scope: 'history', keys: ['r'], action: 'refresh', help: 'reload past runs', hint: 'refresh' },
  {
    scope: 'run-record',
    keys: ['m'],
    action: 'write-report',
    help: "write the run's Markdown report, for the ticket, where the console was started",
    hint: 'markdown report',
  },
  {
    scope: 'check',
    keys: ['c'],
    action: 'check',
    help: 'check the repo now, deriving liveness as GC does; changes nothing',
    hint: 'check now',
  },
  { scope: 'hub-check', keys: ['enter'], action: 'open', help: "open the repo's findings", hint: 'findings' },
  { scope: 'hub-recheck', keys: ['c'], action: 'check', help: 'check every repo again', hint: 'check again' },
  {
    scope: 'storage',
    keys: ['d'],
    action: 'dry-run',
    help: 'sweep dry run: list the store and count the strays; deletes nothing',
    hint: 'dry run',
  },
  {
    scope: 'storage',
    keys: ['D'],
    action: 'sweep',
    help: 'sweep: list the store, then delete the strays once the word asked for is typed',
    hint: 'sweep',
    destructive: true,
  },
  { scope: 'storage', keys: ['r'], action: 'refresh', help: 'reload the last dry run and sweep' },
  {
    scope: 'sweeping',
    keys: ['x'],
    action: 'stop-after-batch',
    help: 'stop the sweep after the batch it is on',
    hint: 'stop after this batch',
  },
  {
    scope: 'confirm-sweep',
    keys: ['enter'],
    action: 'confirm-sweep',
    help: 'delete the strays once the word asked for is typed; empty deletes nothing',
    hint: 'confirm (empty cancels)',
    destructive: true,
  },
  { scope: 'confirm-sweep', keys: ['esc'], action: 'cancel', help: 'delete nothing', hint: 'cancel' },
  {
    scope: 'confirm-pass',
    keys: ['enter'],
    action: 'confirm-pass',
    help: "start the pass once the hub's label is typed; empty collects nothing",
    hint: 'confirm (empty cancels)',
    destructive: true,
  },
  { scope: 'confirm-pass', keys: ['esc'], action: 'cancel', help: 'collect nothing', hint: 'cancel' },
  {
    scope: 'hub-passing',
    keys: ['x'],
    action: 'stop-after-repos',
    help: 'stop the pass after the repos in flight: no new repo starts',
    hint: 'stop after the repos in flight',
  },
  {
    scope: 'hub-pass',
    keys: ['enter'],
    action: 'open',
    help: "open the repo's history, where its run of the pass is",
    hint: 'history',
  },
  { scope: 'commit', keys: ['r'], action: 'refresh', help: 'reload the commit' },
  {
    scope: 'commit',
    keys: ['y'],
    action: 'why',
    help: 'why is the commit alive: what GC does with it and the path that keeps it (esc or a move closes it)',
    hint: 'why',
  },
  {
    scope: 'run',
    keys: ['x'],
    action: 'stop-after-phase',
    help: 'stop the run after this phase',
    hint: 'stop after this phase',
    destructive: true,
  },
  { scope: 'confirm', keys: ['y'], action: 'go', help: 'run this phase', hint: 'yes, delete', destructive: true },
  { scope: 'confirm', keys: ['n', 'enter'], action: 'skip', help: 'skip this phase (the default)', hint: 'no, skip' },
  { scope: 'confirm', keys: ['x', 'esc'], action: 'stop', help: 'stop the run here', hint: 'stop run' },
  {
    scope: 'confirm-slug',
    keys: ['enter'],
    action: 'confirm-slug',
    help: "run the phase once the repo's slug is typed; empty skips it",
    hint: 'confirm (empty skips)',
    destructive: true,
  },
  { scope: 'confirm-slug', keys: ['esc'], action: 'stop', help: 'stop the run here', hint: 'stop run' },
  { scope: 'summary', keys: ['enter'], action: 'back', help: 'back to the repo', hint: 'done' },
];

/** Which scopes a screen's keys come from, most specific first. */
export const SCREEN_SCOPES = {
  repos: ['repos', 'list', 'global'],
  filter: ['filter'],
  search: ['search'],
  graph: ['graph', 'repo', 'list', 'searchable', 'global'],
  preview: ['preview', 'repo', 'list', 'searchable', 'global'],
  'save-path': ['save-path'],
  history: ['history', 'repo', 'list', 'searchable', 'global'],
  check: ['check', 'repo', 'list', 'searchable', 'global'],
  checking: ['repo', 'list', 'searchable', 'global'],
  'hub-check': ['hub-check', 'hub-recheck', 'list', 'searchable', 'global'],
  'hub-checking': ['hub-check', 'list', 'searchable', 'global'],
  storage: ['storage', 'global'],
  sweeping: ['sweeping', 'global'],
  'confirm-sweep': ['confirm-sweep'],
  'confirm-pass': ['confirm-pass'],
  'hub-passing': ['hub-passing', 'list', 'searchable', 'global'],
  'hub-pass': ['hub-pass', 'list', 'searchable', 'global'],
  commit: ['commit', 'list', 'searchable', 'global'],
  'run-record': ['run-record', 'list', 'searchable', 'global'],
  run: ['run', 'global'],
  confirm: ['confirm'],
  'confirm-slug': ['confirm-slug'],
  summary: ['summary', 'list', 'global'],
  help: ['list', 'searchable', 'global'],
  'command-line': ['command-line'],
} as const satisfies Record<string, readonly KeyScope[]>;

/** The keys a view answers to: a screen, or a state of one (a filter or a prompt being typed). */
export type ScreenName = keyof typeof SCREEN_SCOPES;

/** The bindings a screen answers to, destructive ones removed in read-only mode. */
export function bindingsFor(screen: ScreenName, readOnly: boolean): Binding[] {
  return SCREEN_SCOPES[screen].flatMap((scope) =>
    KEYMAP.filter((binding) => binding.scope === scope && !(readOnly && binding.destructive)),
  );
}

/** The destructive binding a key would be on a screen without read-only mode: what a read-only console says it will not do. */
export function withheldBinding(screen: ScreenName, key: string): Binding | undefined {
  return bindingsFor(screen, false).find((binding) => binding.destructive && binding.keys.includes(key));
}

/** The action a key means on a screen, or undefined. */
export function actionFor(screen: ScreenName, key: string, readOnly: boolean): KeyAction | undefined {
  return bindingsFor(screen, readOnly).find((binding) => binding.keys.includes(key))?.action;
}

const KEY_LABELS: Record<string, string> = {
  down: '↓',
  up: '↑',
  left: '←',
  right: '→',
  pgdn: 'PgDn',
  pgup: 'PgUp',
  home: 'Home',
  end: 'End',
  'shift+tab': 'Shift+Tab',
};

/** A binding's keys as the hint bar and help write them: `j/↓`, `enter`. */
export function keyLabel(binding: Binding): string {
  return binding.keys.map((key) => KEY_LABELS[key] ?? key).join('/');
}

/** The hints of a screen's bar, most specific first: `/ filter`, `s sort`, `enter open`, `? help`, `q quit`. */
export function hintBar(screen: ScreenName, readOnly: boolean, options: { atTop: boolean }): string[] {
  const seen = new Set<KeyAction>();
  const hints: string[] = [];
  for (const binding of bindingsFor(screen, readOnly)) {
    if (!binding.hint || seen.has(binding.action)) continue;
    if (binding.action === 'quit' && !options.atTop) continue;
    if (binding.action === 'back' && options.atTop) continue;
    seen.add(binding.action);
    hints.push(`${binding.keys[0]} ${binding.hint}`);
  }
  return hints;
}

/** The help screen's lines: each scope of the screen, its bindings and what they do. */
export function helpLines(screen: ScreenName, readOnly: boolean): string[] {
  const lines: string[] = [];
  for (const scope of SCREEN_SCOPES[screen]) {
    const bindings = KEYMAP.filter((binding) => binding.scope === scope && !(readOnly && binding.destructive));
    if (bindings.length === 0) continue;
    lines.push(`${scope}:`);
    for (const binding of bindings) lines.push(`  ${keyLabel(binding).padEnd(12)} ${binding.help}`);
  }
  return lines;
}

const CONTROL_CHARS: Record<string, string> = {
  '\r': 'enter',
  '\n': 'enter',
  '\t': 'tab',
  '\u007f': 'backspace',
  '\b': 'backspace',
  '\u001b': 'esc',
};

/** Ink's input event as key names; a burst of text typed in one write becomes one name per character. */
export function keysOf(input: string, key: Key): string[] {
  if (key.upArrow) return ['up'];
  if (key.downArrow) return ['down'];
  if (key.leftArrow) return ['left'];
  if (key.rightArrow) return ['right'];
  if (key.pageDown) return ['pgdn'];
  if (key.pageUp) return ['pgup'];
  if (key.home) return ['home'];
  if (key.end) return ['end'];
  if (key.return) return ['enter'];
  if (key.escape) return ['esc'];
  if (key.tab) return [key.shift ? 'shift+tab' : 'tab'];
  if (key.backspace || key.delete) return ['backspace'];
  if (key.ctrl && input.length === 1) return [`ctrl+${input}`];
  return [...input].map((char) => CONTROL_CHARS[char] ?? ctrlName(char) ?? char);
}

/**
 * A control character read inside a burst (`y` and Ctrl+C in one read arrive as `y\u0003`) named
 * as Ink names it alone: `ctrl+c`. Left raw, it would reach the view as an unknown key and be lost.
 */
function ctrlName(char: string): string | undefined {
  const code = char.charCodeAt(0);
  return code >= 1 && code <= 26 ? `ctrl+${String.fromCharCode(code + 96)}` : undefined;
}

/** A printable key a text field takes as typed text. */
export function isText(key: string): boolean {
  return [...key].length === 1 && key >= ' ';
}
