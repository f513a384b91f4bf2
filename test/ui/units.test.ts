import { describe, expect, it } from 'vitest';
import { formatAgo, formatBytes, formatDuration } from '../../src/present/units.js';
import { fit } from '../../src/ui/fit.js';
import type { Key } from 'ink';
import { headlessCommand } from '../../src/ui/headless-command.js';
import { actionFor, hintBar, KEYMAP, keysOf } from '../../src/ui/keymap.js';
import { moveList, EMPTY_LIST } from '../../src/ui/list-state.js';
import { breadcrumbs, INITIAL_STACK, stackReducer } from '../../src/ui/view-stack.js';
import { consoleReducer, INITIAL_CONSOLE } from '../../src/ui/console-reducer.js';
import { INITIAL_REPOS, reposReducer } from '../../src/ui/screens/repos/repos-reducer.js';
import { INITIAL_RUN, runKeyScreen, runReducer } from '../../src/ui/screens/run/run-reducer.js';
import { phaseLine } from '../../src/ui/screens/run/run-view.js';
import { historyTable } from '../../src/ui/screens/history/history-rows.js';
import { previewRows } from '../../src/ui/screens/preview/preview-rows.js';
import { tableChrome } from '../../src/ui/table.js';
import type { RunRecord } from '../../src/gc/service.js';
import type { HubEvent, HubRepoStatus } from '../../src/gc/hub/types.js';
import { hubPassKeyScreen, hubPassReducer, INITIAL_HUB_PASS } from '../../src/ui/screens/hub-pass/hub-pass-reducer.js';
import { repoLine } from '../../src/ui/screens/hub-pass/hub-pass-view.js';
import { demoPlan, NOW } from './fixture-service.js';

const repo = { repoId: 'r1', owner: 'lowend', slug: 'blue-in-green' };

describe('format', () => {
  it('writes sizes, ages and durations as operators read them', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(4.1 * 1024 * 1024)).toBe('4.1 MiB');
    expect(formatAgo(new Date(NOW - 3600_000).toISOString(), NOW)).toBe('1h ago');
    expect(formatAgo(null, NOW)).toBe('never');
    expect(formatDuration(0.2)).toBe('0.2 s');
    expect(formatDuration(185)).toBe('3m 05s');
    // biome-ignore lint/suspicious/noFocusedTests: fit is the console's truncation helper, not Jasmine's focused it.
    expect(fit('lowend/blue-in-green', 10)).toBe('lowend/bl…');
  });
});

describe('keymap', () => {
  it('removes every destructive binding in read-only mode, from keys and hints alike', () => {
    const destructive = KEYMAP.filter((binding) => binding.destructive);
    expect(destructive.map((binding) => binding.action).sort()).toEqual([
      'collect-all',
      'confirm-pass',
      'confirm-slug',
      'confirm-sweep',
      'go',
      'run',
      'stop-after-phase',
      'sweep',
    ]);
    expect(actionFor('graph', 'R', false)).toBe('run');
    expect(actionFor('graph', 'R', true)).toBeUndefined();
    expect(hintBar('graph', true, { atTop: false }).join('  ')).not.toContain('run gc');
  });

  it('knows its screens by name: a misspelt one does not compile', () => {
    // @ts-expect-error: there is no screen 'grpah'
    expect(() => actionFor('grpah', 'j', false)).toThrow();
  });

  it('confirms a phase with a key other than the one that starts a run, and defaults to No', () => {
    const start = KEYMAP.find((binding) => binding.action === 'run')!.keys;
    const confirm = KEYMAP.find((binding) => binding.action === 'go')!.keys;
    expect(start.filter((key) => confirm.includes(key))).toEqual([]);
    expect(actionFor('confirm', 'enter', false)).toBe('skip');
  });
});

describe('list state', () => {
  it('keeps the cursor in range and the window around it', () => {
    const list = moveList(EMPTY_LIST, 'bottom', 100, 10);
    expect(list).toEqual({ cursor: 99, offset: 90 });
    expect(moveList(list, 'page-up', 100, 10)).toEqual({ cursor: 89, offset: 89 });
    expect(moveList(EMPTY_LIST, 'up', 100, 10)).toEqual({ cursor: 0, offset: 0 });
  });
});

describe('view stack', () => {
  it('pushes, replaces and pops views, and never pops the repos list', () => {
    let stack = stackReducer(INITIAL_STACK, { type: 'push', view: { kind: 'repo', repo, tab: 'graph' } });
    stack = stackReducer(stack, { type: 'replace-top', view: { kind: 'repo', repo, tab: 'preview' } });
    expect(breadcrumbs(stack)).toBe('Repos › lowend/blue-in-green › Preview');
    stack = stackReducer(stackReducer(stack, { type: 'pop' }), { type: 'pop' });
    expect(breadcrumbs(stack)).toBe('Repos');
  });
});

describe('console reducer', () => {
  it('keeps the stack, the status, the keys each view answers to and the command line in one state', () => {
    let state = consoleReducer(INITIAL_CONSOLE, { type: 'push', view: { kind: 'repo', repo, tab: 'graph' } });
    state = consoleReducer(state, { type: 'status', message: 'The run stopped.', tone: 'warning' });
    state = consoleReducer(state, { type: 'keys', viewId: '1:graph', screen: 'filter' });
    state = consoleReducer(state, { type: 'open-command' });
    state = consoleReducer(state, { type: 'data-changed' });
    expect(breadcrumbs(state.stack)).toBe('Repos › lowend/blue-in-green › Graph');
    expect(state.status).toEqual({ message: 'The run stopped.', tone: 'warning' });
    expect([...state.keyScreens]).toEqual([['1:graph', 'filter']]);
    expect(state.command).toEqual({ text: '', cursor: 0 });
    expect(state.dataVersion).toBe(1);
    // The same keys again are the same state: the console draws nothing again.
    expect(consoleReducer(state, { type: 'keys', viewId: '1:graph', screen: 'filter' })).toBe(state);
    state = consoleReducer(consoleReducer(state, { type: 'close-command' }), { type: 'pop' });
    expect(state.command).toBeNull();
    expect(breadcrumbs(state.stack)).toBe('Repos');
  });
});

describe('repos reducer', () => {
  it('filters by name and sorts repos without an estimate last', () => {
    const rows = ['a/one', 'b/two', 'c/three'].map((name, i) => {
      const [owner = '', slug = ''] = name.split('/');
      return { repoId: String(i), owner, slug, branches: 1, commits: 1, pushedAt: null, lastGcAt: null };
    });
    let state = reposReducer(INITIAL_REPOS, { type: 'loaded', repos: rows });
    state = reposReducer(state, {
      type: 'estimates',
      estimates: [{ repoId: '2', orphanCommits: 1, orphanObjects: 1, reclaimableBytes: 10, computedAt: '' }],
    });
    expect(state.order).toEqual([2, 0, 1]);
    state = reposReducer(reposReducer(state, { type: 'filter-start' }), { type: 'filter-type', text: 'tw' });
    expect(state.order).toEqual([1]);
  });
});

describe('run reducer', () => {
  it('follows a phase from the prompt through progress to its result', () => {
    const plan = demoPlan(repo, 3600);
    let state = runReducer(INITIAL_RUN, {
      type: 'event',
      event: { type: 'plan-ready', plan, source: 'preview', rederived: false },
      at: 0,
    });
    state = runReducer(state, { type: 'ask', phase: plan.phases[3]!, slug: true });
    expect(state.prompt).toMatchObject({ phase: 'objects', slug: true });
    expect(runKeyScreen(state)).toBe('confirm-slug');
    state = runReducer(state, { type: 'mismatch', message: '"blue" is not blue-in-green' });
    state = runReducer(state, { type: 'edit', key: 'left' });
    expect(state.prompt!.answer.mismatch).toBe('"blue" is not blue-in-green');
    state = runReducer(state, { type: 'edit', key: 'x' });
    expect(state.prompt!.answer).toEqual({ field: { text: 'x', cursor: 1 }, mismatch: '' });
    state = runReducer(state, { type: 'answered', decision: 'go' });
    expect(runKeyScreen(state)).toBe('run');
    state = runReducer(state, {
      type: 'event',
      event: { type: 'phase-start', phase: 'objects', total: 58, bytes: 100 },
      at: 0,
    });
    state = runReducer(state, {
      type: 'event',
      event: { type: 'progress', phase: 'objects', done: 29, total: 58, bytes: 50 },
      at: 1000,
    });
    expect(state.phases[3]).toMatchObject({ status: 'running', done: 29, total: 58 });
    expect(phaseLine(state.phases[3]!, state.prompt)).toMatchObject({
      glyph: '▸',
      percent: 50,
      detail: expect.stringMatching(/^29\/58 {2}50 B {2}29\/s {2}ETA 0:01/),
    });
  });
});

describe('stopping a run', () => {
  it('reads Ctrl+C inside a burst of keys as Ctrl+C, not as a key no screen knows', () => {
    expect(keysOf('y\u0003', {} as Key)).toEqual(['y', 'ctrl+c']);
    expect(keysOf('\u0003y', {} as Key)).toEqual(['ctrl+c', 'y']);
    expect(keysOf('a\tb\r', {} as Key)).toEqual(['a', 'tab', 'b', 'enter']);
  });

  it('shows no prompt once a stop was asked: a y after it would delete', () => {
    const plan = demoPlan(repo, 3600);
    let state = runReducer(INITIAL_RUN, {
      type: 'event',
      event: { type: 'plan-ready', plan, source: 'preview', rederived: false },
      at: 0,
    });
    state = runReducer(state, { type: 'stop-after-phase' });
    state = runReducer(state, { type: 'ask', phase: plan.phases[1]!, slug: false });
    expect(state.prompt).toBeNull();
    expect(runKeyScreen(state)).toBe('run');
  });
});

describe('tables', () => {
  const widthOf = (row: Record<string, string | undefined>) => {
    const cells = Object.values(row).filter((cell) => cell !== undefined);
    return tableChrome(cells.length) + cells.reduce((sum, cell) => sum + cell!.length, 0);
  };
  const run = (index: number): RunRecord => ({
    runId: `run-${index}`,
    startedAt: new Date(NOW - index * 86_400_000).toISOString(),
    finishedAt: null,
    who: 'ops@build-host-7',
    dryRun: index % 2 === 1,
    graceSeconds: 3600,
    outcome: index === 0 ? 'interrupted' : 'done',
    bytesFreed: index * 1024,
    errors: [],
    phases: [
      { phase: 'commits', status: 'done', refs: 4, rows: 4, bytes: 0, blobs: 0, seconds: 0.1, keptSincePlan: 0 },
    ],
  });

  it('fits the preview in the narrowest console, cutting what a phase deletes before why things stay', () => {
    for (const width of [60, 100, 160]) {
      const rows = previewRows(demoPlan(repo, 3600), 0, width);
      expect(rows.map(widthOf)).toEqual(rows.map(() => width));
      expect(rows[0]!.PHASE).toBe('▸ 1 commits    ');
    }
  });

  it('draws the runs of the window, sized over every run, and drops grace, mode and who on a narrow console', () => {
    const runs = Array.from({ length: 40 }, (_, index) => run(index));
    const wide = historyTable(runs, { first: 10, last: 20 }, 12, NOW, 120);
    expect(wide.columns.map((column) => column.key)).toEqual([
      'STARTED',
      'WHO',
      'MODE',
      'GRACE',
      'OUTCOME',
      'FREED',
      'DELETED',
    ]);
    expect(wide.rows).toHaveLength(10);
    expect(wide.rows[2]!.STARTED).toMatch(/^▸ \d{4}-\d\d-\d\d \d\d:\d\d \(12d ago\)/);
    // The outcome column is as wide as `interrupted`, the first run's, though that run is not in the window.
    expect(wide.rows[0]!.OUTCOME).toBe('done       ');
    expect(wide.rows.map(widthOf)).toEqual(wide.rows.map(() => 120));
    const narrow = historyTable(runs, { first: 0, last: 5 }, 0, NOW, 60);
    expect(narrow.columns.map((column) => column.key)).toEqual(['STARTED', 'OUTCOME', 'FREED', 'DELETED']);
    expect(narrow.rows.map(widthOf).every((drawn) => drawn <= 60)).toBe(true);
  });
});

describe('hub pass', () => {
  it("follows each repo: queued, running with its phase, then how it ended, in the engine's words", () => {
    const repos = ['a/one', 'b/two', 'c/three', 'd/four'].map((name, index) => {
      const [owner = '', slug = ''] = name.split('/');
      return { repoId: `r${index}`, owner, slug };
    });
    const pass = { pass_id: 'p', since: '2025-06-01T12:00:00Z', started_at: '2025-06-01T12:00:00Z', workers: 2 };
    const ended = (index: number, status: HubRepoStatus, detail: string): HubEvent => ({
      type: 'repo-done',
      outcome: { repo: `${repos[index]!.owner}/${repos[index]!.slug}`, repo_id: `r${index}`, status, detail },
    });
    const events: HubEvent[] = [
      { type: 'hub-start', pass, total: 4, repos },
      ended(0, 'failed', 'could not claim it: connection terminated'),
      ended(1, 'collected', 'collected in this pass already: run 7 by ops@gc-2 at 2025-06-01 12:00:01 UTC, done'),
      { type: 'repo-start', repo: repos[2]! },
    ];
    let state = events.reduce(
      (reduced, event) => hubPassReducer(reduced, { type: 'event', event }),
      hubPassReducer(INITIAL_HUB_PASS, { type: 'start' }),
    );
    const text = (index: number) => repoLine(state, repos[index]!, '⠋');
    expect(hubPassKeyScreen(state)).toBe('hub-passing');
    expect(text(0)).toEqual({ glyph: '✗', tone: 'error', text: 'failed: could not claim it: connection terminated' });
    expect(text(1)).toMatchObject({
      glyph: '↷',
      text: 'skipped: collected in this pass already: run 7 by ops@gc-2 at 2025-06-01 12:00:01 UTC, done',
    });
    expect(text(2)).toEqual({ glyph: '⠋', tone: 'accent', text: "running: planning under the repo's lock…" });
    expect(text(3)).toMatchObject({ glyph: '·', text: 'queued' });
    state = hubPassReducer(state, {
      type: 'event',
      event: {
        type: 'repo-event',
        repo: repos[2]!,
        event: { type: 'progress', phase: 'objects', done: 20, total: 58, bytes: 2048 },
      },
    });
    expect(text(2).text).toBe('running: 4 objects 20/58, 2.0 KiB freed');
    state = hubPassReducer(state, { type: 'stop-after-repos' });
    expect(text(3).text).toBe('queued: not started, the pass is stopping');
  });
});

describe('the headless command a hint names', () => {
  const args = 'run --plan /srv/tickets/gc-4711.gcplan';
  it('is npm start under npm start, npx for a dependency, the bin on PATH, or the script itself', () => {
    expect(headlessCommand(args, { lifecycle: 'start', script: '/src/musehub-gc/src/cli.tsx' })).toBe(
      `npm start -- ${args}`,
    );
    expect(headlessCommand(args, { lifecycle: undefined, script: '/srv/ops/node_modules/.bin/musehub-gc' })).toBe(
      `npx musehub-gc ${args}`,
    );
    expect(headlessCommand(args, { lifecycle: undefined, script: '/usr/local/bin/musehub-gc' })).toBe(
      `musehub-gc ${args}`,
    );
    expect(headlessCommand(args, { lifecycle: undefined, script: '/src/musehub-gc/dist/cli.js' })).toBe(
      `node /src/musehub-gc/dist/cli.js ${args}`,
    );
    expect(headlessCommand(args, { lifecycle: undefined, script: '/src/musehub-gc/src/cli.tsx' })).toBe(
      `npx tsx /src/musehub-gc/src/cli.tsx ${args}`,
    );
  });
});
