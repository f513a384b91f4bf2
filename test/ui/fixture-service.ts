/**
 * A GcService over in-memory data shaped like the demo hub, for the console's unit tests:
 * estimates can be held back, runs follow the decisions the console gives, checks find what
 * CHECK_PROBLEMS says and record it, sweeps count strays, ask, delete and record, hub passes
 * yield the engine's sequence of events (its own lanes and progress) over the fixture's repos.
 */
import { recordOf } from '../../src/gc/check/types.js';
import { emptySets } from '../../src/gc/phases/catalog.js';
import type { PlanDrift } from '../../src/gc/plan-drift.js';
import type {
  CheckProblem,
  CheckRecord,
  CheckReport,
  CommitDetail,
  Estimate,
  GcService,
  GraphCommit,
  RepoCheck,
  RepoRow,
  RunRecord,
  RunTarget,
  SweepEvent,
  SweepFound,
  SweepRecord,
  SweepResult,
  WhyAnswer,
  WhyPath,
} from '../../src/gc/service.js';
import type {
  Decision,
  GcEvent,
  Plan,
  PhaseName,
  PhasePlan,
  PhaseResult,
  PlanSource,
  RepoIdentity,
  RunResult,
} from '../../src/gc/types.js';
import { passEvents, passResult } from '../../src/gc/hub/run-all.js';
import type { HubEvent, HubRepoResult, HubResult, PassStart } from '../../src/gc/hub/types.js';
import { DEFAULT_WORKERS, hubPoolSize, workersFor } from '../../src/gc/hub/workers.js';
import { repoName } from '../../src/gc/types.js';
import { typedDatabaseError } from '../../src/db/errors.js';
import { UsageError } from '../../src/errors.js';

/** The clock the tests pin the console to. */
export const NOW = Date.parse('2025-06-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();
/** A 64-hex commit id that starts with `prefix`. */
export const cid = (prefix: string) => prefix.padEnd(64, '0');

const DEMO_REPOS: Array<RepoRow & { estimate: Omit<Estimate, 'repoId' | 'computedAt'> }> = [
  {
    repoId: 'r1',
    owner: 'lowend',
    slug: 'blue-in-green',
    branches: 3,
    commits: 214,
    pushedAt: ago(3600),
    lastGcAt: null,
    estimate: {
      orphanCommits: 38,
      orphanObjects: 61,
      reclaimableBytes: 4.1 * 1024 * 1024,
      commitsToDelete: 35,
      objectsToDelete: 58,
    },
  },
  {
    repoId: 'r2',
    owner: 'bigband',
    slug: 'caravan',
    branches: 2,
    commits: 120,
    pushedAt: ago(3 * 86400),
    lastGcAt: ago(2 * 86400),
    estimate: {
      orphanCommits: 4,
      orphanObjects: 9,
      reclaimableBytes: 512 * 1024,
      commitsToDelete: 4,
      objectsToDelete: 6,
    },
  },
  {
    repoId: 'r3',
    owner: 'tenor',
    slug: 'giant-steps',
    branches: 5,
    commits: 388,
    pushedAt: ago(5 * 3600),
    lastGcAt: null,
    estimate: { orphanCommits: 0, orphanObjects: 0, reclaimableBytes: 0, commitsToDelete: 0, objectsToDelete: 0 },
  },
  {
    repoId: 'r4',
    owner: 'keystrio',
    slug: 'blue-in-green',
    branches: 2,
    commits: 176,
    pushedAt: ago(2 * 86400),
    lastGcAt: null,
    estimate: {
      orphanCommits: 2,
      orphanObjects: 0,
      reclaimableBytes: 20 * 1024,
      commitsToDelete: 2,
      objectsToDelete: 0,
    },
  },
];

/** The demo's force-pushed repo: a merge, a release, and a chain a force push left behind. */
export const BLUE_IN_GREEN: GraphCommit[] = [
  {
    commitId: cid('a91f03e'),
    parentIds: [cid('4c2d9b1')],
    state: 'reachable',
    labels: ['main'],
    message: 'Bass line, take 7',
    author: 'lowend',
    timestamp: ago(3600),
  },
  {
    commitId: cid('4c2d9b1'),
    parentIds: [cid('0b9a2ff'), cid('77e0c4a')],
    state: 'reachable',
    labels: [],
    message: "Merge branch 'bridge'",
    author: 'lowend',
    timestamp: ago(7200),
  },
  {
    commitId: cid('77e0c4a'),
    parentIds: [cid('5a7f18e')],
    state: 'reachable',
    labels: ['bridge'],
    message: 'Bridge voicings',
    author: 'keystrio',
    timestamp: ago(3 * 3600),
  },
  {
    commitId: cid('0b9a2ff'),
    parentIds: [cid('5a7f18e')],
    state: 'reachable',
    labels: [],
    message: 'Tempo map',
    author: 'lowend',
    timestamp: ago(4 * 3600),
  },
  {
    commitId: cid('e13c5d0'),
    parentIds: [cid('3b8e1aa')],
    state: 'orphaned',
    labels: [],
    message: 'Bass line, take 6',
    author: 'lowend',
    timestamp: ago(86400),
  },
  {
    commitId: cid('3b8e1aa'),
    parentIds: [cid('5a7f18e')],
    state: 'kept',
    keptBecause: 'held by fork keystrio/blue-in-green',
    labels: [],
    message: 'Bass line, take 5',
    author: 'lowend',
    timestamp: ago(86400 + 60),
  },
  {
    commitId: cid('5a7f18e'),
    parentIds: [cid('c0ffee1')],
    state: 'reachable',
    labels: ['[v1.0-rc]'],
    message: 'Piano comping',
    author: 'keystrio',
    timestamp: ago(2 * 86400),
  },
  {
    commitId: cid('c0ffee1'),
    parentIds: [cid('9d1e2f3')],
    state: 'reachable',
    labels: [],
    message: 'Sketch',
    author: 'lowend',
    timestamp: ago(2 * 86400 + 60),
  },
  {
    commitId: cid('9d1e2f3'),
    parentIds: [],
    state: 'reachable',
    labels: ['#wire-1'],
    message: 'Initial session',
    author: 'lowend',
    timestamp: ago(9 * 86400),
  },
];

/** A straight history of `count` commits, newest first, for scrolling tests and the bench. */
export function longHistory(count: number): GraphCommit[] {
  return Array.from({ length: count }, (_, index) => ({
    commitId: cid(index.toString(16).padStart(7, '0')),
    parentIds: index + 1 < count ? [cid((index + 1).toString(16).padStart(7, '0'))] : [],
    state: 'reachable' as const,
    labels: index === 0 ? ['main'] : [],
    message: `Take ${count - index}`,
    author: 'lowend',
    timestamp: ago(index * 60),
  }));
}

function phasePlan(phase: PhasePlan['phase'], counts: Partial<PhasePlan>): PhasePlan {
  return { phase, refs: 0, rows: 0, bytes: 0, blobs: 0, kept: [], items: [], ...counts };
}

/**
 * What the engine's `why` says of the fixture graph: a reachable commit is live through the
 * shortest path from a labelled commit (a branch, `[release]` or `#tag`), an orphaned one is
 * deleted by phase 1, a kept one stays held by the fork (the repo's ref to either goes); an
 * object of the detail view's files is live through the newest reachable commit. Another id
 * names nothing, as the engine says.
 */
export function fixtureWhy(repo: RepoIdentity, graph: GraphCommit[], id: string, graceSeconds: number): WhyAnswer {
  const base = { repo, holders: [], ref: null, computedAt: ago(1), cutoff: ago(graceSeconds), graceSeconds };
  const commit = graph.find((entry) => entry.commitId.startsWith(id));
  const pathTo = (target: string): WhyPath | undefined => {
    const byId = new Map(graph.map((entry) => [entry.commitId, entry]));
    const from = new Map<string, string | null>();
    const queue = graph
      .filter((entry) => entry.labels.length > 0 && entry.state === 'reachable')
      .map((entry) => entry.commitId);
    for (const start of queue) from.set(start, null);
    for (const at of queue) {
      if (at === target) {
        const commits = [at];
        for (let up = from.get(at); up; up = from.get(up)) commits.unshift(up);
        const label = byId.get(commits[0]!)!.labels[0]!;
        const kind = label.startsWith('[') ? 'release' : label.startsWith('#') ? 'tag' : 'branch';
        return { root: { kind, name: label.replace(/^[[#]|]$/g, ''), commitId: commits[0]! }, commits };
      }
      for (const parent of byId.get(at)?.parentIds ?? []) {
        if (from.has(parent)) continue;
        from.set(parent, at);
        queue.push(parent);
      }
    }
    return undefined;
  };
  if (commit) {
    const answer = { ...base, kind: 'commit' as const, id: commit.commitId };
    if (commit.state === 'reachable') return { ...answer, fate: 'live', path: pathTo(commit.commitId) };
    // Phase 1 deletes the repo's ref to a commit no root reaches, whether or not the commit goes.
    const ref = { createdAt: commit.timestamp, deleted: true };
    if (commit.state === 'orphaned') return { ...answer, fate: 'deleted', phase: 'commits', ref };
    return {
      ...answer,
      ref,
      fate: 'kept',
      phase: 'commits',
      reason: 'other-repo',
      holders: [{ repo: 'keystrio/blue-in-green', via: 'ref' }],
    };
  }
  const file = [
    ['bass/take.mid', `sha256:${cid('0b0b0b1')}`],
    ['piano/comping.wav', `sha256:${cid('0c0c0c1')}`],
  ].find(([, objectId]) => objectId!.startsWith(id) || objectId!.slice('sha256:'.length).startsWith(id));
  const newest = graph.find((entry) => entry.state === 'reachable');
  if (!file || !newest) throw new UsageError(`no commit or object starts with ${id} in fixture demo hub`);
  return {
    ...base,
    kind: 'object',
    id: file[1]!,
    fate: 'live',
    path: pathTo(newest.commitId),
    file: { snapshotId: cid('5a5a5a1'), path: file[0]!, commitId: newest.commitId },
    object: { bytes: 65536, storedAt: ago(3600) },
  };
}

/** The plan of blue-in-green as the preview sketch shows it. */
export function demoPlan(repo: RepoIdentity, graceSeconds: number): Plan {
  return {
    hub: { hubId: 'hub-1', label: 'fixture demo hub' },
    basis: { roots: 'r', work: 'w', absent: [] },
    sets: emptySets(),
    profile: {},
    seconds: 0.1,
    repo,
    computedAt: ago(1),
    graceSeconds,
    cutoff: ago(graceSeconds),
    reachableCommits: 176,
    orphanedCommits: 38,
    findings: [],
    phases: [
      phasePlan('commits', {
        refs: 38,
        rows: 35,
        kept: [
          {
            reason: 'other-repo',
            count: 3,
            detail: '3 held by fork keystrio/blue-in-green',
            repos: ['keystrio/blue-in-green'],
          },
        ],
        items: [
          { id: cid('e13c5d0'), label: 'Bass line, take 6' },
          { id: cid('d00d001'), label: 'Bass line, take 4' },
        ],
      }),
      phasePlan('snapshots', { rows: 35, items: [{ id: cid('5a5a5a1') }] }),
      phasePlan('refs', { refs: 61, items: [{ id: cid('0b0b0b1'), label: 'bass/take6.mid', bytes: 65536 }] }),
      phasePlan('objects', {
        rows: 58,
        bytes: 4 * 1024 * 1024,
        blobs: 58,
        kept: [
          {
            reason: 'other-repo',
            count: 3,
            detail: '3 still referenced by keystrio/blue-in-green',
            repos: ['keystrio/blue-in-green'],
          },
        ],
        items: [
          { id: cid('0b0b0b1'), label: 'bass/take6.mid', bytes: 65536 },
          { id: cid('0b0b0b2'), label: 'bass/take6.wav', bytes: 3 * 1024 * 1024 },
        ],
      }),
      phasePlan('cache', {
        rows: 2,
        bytes: 96 * 1024,
        blobs: 2,
        kept: [{ reason: 'fresh', count: 1, detail: '1 fresh entry' }],
        items: [{ id: 'mpack-1', label: 'mpack-1', bytes: 49152 }],
      }),
    ],
  };
}

const examples = (prefix: string, count: number, detail = '') =>
  Array.from({ length: count }, (_, index) => ({ id: cid(`${prefix}${index}`), detail }));

/** What a check of each repo finds, by repo id: blue-in-green has enough to scroll; a repo not named is clean. */
export const CHECK_PROBLEMS: Record<string, CheckProblem[]> = {
  r1: [
    { kind: 'manifest-unreadable', count: 1, examples: examples('5a5a', 1, 'does not decode as MessagePack') },
    { kind: 'object-without-ref', count: 7, examples: examples('0bf', 5) },
    { kind: 'commit-without-ref', count: 12, examples: examples('c0a', 5) },
    { kind: 'parents-malformed', count: 2, examples: examples('bad', 2, 'parent_ids is 42') },
  ],
};

/** The checks recorded before the console opens: blue-in-green's found what a check finds now, caravan was clean. */
function recordedChecks(): Map<string, CheckRecord> {
  const blueInGreen: RepoCheck = {
    repo: { repoId: 'r1', owner: 'lowend', slug: 'blue-in-green' },
    checkedAt: ago(2 * 3600),
    clean: false,
    blobs: false,
    problems: CHECK_PROBLEMS.r1!,
    seconds: 0.2,
  };
  return new Map([
    ['r1', recordOf(blueInGreen)],
    ['r2', { repoId: 'r2', checkedAt: ago(86400), clean: true, blobs: false, problems: {} }],
  ]);
}

/** A run of `plan` as the engine yields it: each phase as `decide` says, a refused one refused; `hold` keeps a phase running until it is released. */
async function* runPlan(
  plan: Plan,
  source: PlanSource,
  decide: (phase: PhasePlan) => Promise<Decision>,
  hold?: { phase: PhaseName; released: Promise<void> },
): AsyncGenerator<GcEvent, RunResult> {
  yield { type: 'plan-ready', plan, source, rederived: false };
  const results: PhaseResult[] = [];
  let outcome: RunResult['outcome'] = 'done';
  for (const phase of plan.phases) {
    const base = {
      phase: phase.phase,
      refs: 0,
      rows: 0,
      bytes: 0,
      blobs: 0,
      seconds: 0,
      keptSincePlan: 0,
      kept: [],
      differences: [],
      errors: [],
    };
    if (phase.refused) {
      results.push({ ...base, status: 'refused', errors: [phase.refused] });
      yield { type: 'warning', phase: phase.phase, message: `phase ${phase.phase} refused: ${phase.refused}` };
      continue;
    }
    const decision = await decide(phase);
    if (decision === 'stop') {
      outcome = 'stopped';
      break;
    }
    if (decision === 'skip') {
      results.push({ ...base, status: 'skipped' });
      yield { type: 'phase-done', result: results[results.length - 1]! };
      continue;
    }
    const total = phase.refs + phase.rows;
    yield { type: 'phase-start', phase: phase.phase, total, bytes: phase.bytes };
    yield {
      type: 'progress',
      phase: phase.phase,
      done: Math.floor(total / 2),
      total,
      bytes: Math.floor(phase.bytes / 2),
    };
    if (phase.phase === hold?.phase) await hold.released;
    // Objects: one came back to life between the plan and the run.
    const kept = phase.phase === 'objects' && phase.rows > 0 ? 1 : 0;
    results.push({
      ...base,
      status: 'done',
      refs: phase.refs,
      rows: phase.rows - kept,
      bytes: phase.bytes,
      blobs: phase.blobs - kept,
      seconds: 0.1,
      keptSincePlan: kept,
    });
    yield { type: 'phase-done', result: results[results.length - 1]! };
  }
  const count = (name: string, field: 'refs' | 'rows') => results.find((result) => result.phase === name)?.[field] ?? 0;
  const result: RunResult = {
    run_id: `run-${plan.repo.repoId}`,
    repo_id: plan.repo.repoId,
    repo: repoName(plan.repo),
    dry_run: false,
    outcome,
    commits_deleted: count('commits', 'rows'),
    commit_refs_deleted: count('commits', 'refs'),
    snapshots_deleted: count('snapshots', 'rows'),
    object_refs_deleted: count('refs', 'refs'),
    objects_deleted: count('objects', 'rows'),
    storage_bytes_freed: results.reduce((sum, result) => sum + result.bytes, 0),
    mpack_cache_deleted: count('cache', 'rows'),
    reachable_commit_count: plan.reachableCommits,
    errors: [],
    phases: results,
    plan: { source, computed_at: plan.computedAt, cutoff: plan.cutoff, rederived: false, profile: {} },
    profile: {},
  };
  yield { type: 'run-done', result };
  return result;
}

/** A phase as history records it: nothing done unless told. */
function recordedPhase(phase: PhaseName, fields: Partial<RunRecord['phases'][number]>): RunRecord['phases'][number] {
  return {
    phase,
    status: 'done',
    refs: 0,
    rows: 0,
    bytes: 0,
    blobs: 0,
    seconds: 0,
    keptSincePlan: 0,
    kept: [],
    differences: [],
    errors: [],
    ...fields,
  };
}

/** The repos a hub pass skips, and why: caravan's lock is held by another process. */
const PASS_SKIPS: Record<string, Pick<HubRepoResult, 'status' | 'detail'>> = {
  r2: {
    status: 'claimed',
    detail:
      'its GC lock is held by musehub-gc (backend pid 4242, ops from 10.0.0.7, connected since 2025-06-01 11:58:00 UTC)',
  },
};

/** The plan a pass's run of a repo acts on: blue-in-green's is the demo's; keystrio's refuses the object phases; the others have nothing to delete. */
function passPlan(repo: RepoIdentity): Plan {
  const plan = demoPlan(repo, 3600);
  if (repo.repoId === 'r1') return plan;
  const refused = repo.repoId === 'r4' ? 'live snapshot 5a5a5a100000 has a manifest that does not decode' : undefined;
  return {
    ...plan,
    phases: plan.phases.map((phase) =>
      phasePlan(phase.phase, refused && (phase.phase === 'refs' || phase.phase === 'objects') ? { refused } : {}),
    ),
  };
}

/** Each stray key's size. */
const STRAY_BYTES = 192 * 1024;
/** Strays the fixture's sweep deletes in a batch. */
const SWEEP_BATCH = 10;
/** Keys the fixture's store holds that rows name, and that are too young to sweep. */
const NAMED_KEYS = 1200;
const YOUNG_KEYS = 12;

/** A sweep's record, as the engine keeps it. */
function sweepRecord(result: SweepResult, finishedAt: string): SweepRecord {
  const { profile: _, ...kept } = result;
  return { ...kept, finishedAt };
}

/** What the fixture's store holds against the rows, with `strays` of them no row names. */
function storeFound(strays: number): SweepFound {
  return {
    listed: NAMED_KEYS + YOUNG_KEYS + strays,
    listedBytes: (NAMED_KEYS + YOUNG_KEYS + strays) * STRAY_BYTES,
    named: NAMED_KEYS,
    odd: 0,
    young: YOUNG_KEYS,
    candidates: strays,
    candidateBytes: strays * STRAY_BYTES,
  };
}

function sweepResult(found: SweepFound, dryRun: boolean, sweepId: string): SweepResult {
  return {
    ...found,
    sweepId,
    store: 'file:///srv/musehub/blobs',
    dryRun,
    graceSeconds: 86_400,
    cutoff: ago(86_400),
    outcome: 'done',
    keptOnRecheck: 0,
    deleted: 0,
    deletedBytes: 0,
    errors: [],
    seconds: 0.3,
    profile: {},
  };
}

export interface FixtureOptions {
  /** More repos than the demo's four: `owner-N/repo-N`, for the 10,000-repo hub. */
  extraRepos?: number;
  /** Estimates wait until releaseEstimates() is called. */
  holdEstimates?: boolean;
  /** listRepos fails this many times first (a lost connection), then succeeds. */
  listFailures?: number;
  /** The graph of every repo; defaults to blue-in-green's. */
  graph?: GraphCommit[];
  /** This phase, once confirmed, runs until releasePhase() is called. */
  holdPhase?: PhaseName;
  /** The run refuses at once, as a blob store that does not answer makes it. */
  storeRefuses?: string;
  /** Phases the plan has nothing to delete in. */
  emptyPhases?: PhaseName[];
  /** A check waits before the repo at this index (of those it checks) until releaseCheck() is called. */
  holdCheckAt?: number;
  /** A check fails this many times first (the server went away), then checks. */
  checkFailures?: number;
  /** What a check of each repo finds, by repo id, instead of CHECK_PROBLEMS. */
  checkProblems?: Record<string, CheckProblem[]>;
  /** A sweep waits after its first batch until releaseSweep() is called. */
  holdSweep?: boolean;
  /** A hub pass's run of this repo (by id) holds in its first phase until releasePass() is called. */
  holdPassAt?: string;
  /** The hub is embedded: one connection, so a hub pass has one worker. */
  embedded?: boolean;
  /** What the title bar names the hub by; `fixture demo hub` unless told. */
  label?: string;
}

export interface FixtureService extends GcService {
  releaseEstimates(): void;
  releasePhase(): void;
  releaseCheck(): void;
  releaseSweep(): void;
  releasePass(): void;
  /** The hub passes asked for, and the repos each was given (undefined: every repo). */
  readonly passes: Array<{ repoIds?: readonly string[] }>;
  /** The strays the store holds now: 22 until a sweep deletes them. */
  readonly strays: number;
  /** Each sweep asked for, dry or not. */
  readonly sweeps: Array<{ dryRun: boolean }>;
  /** How many times the console asked for a plan, a graph, the repos. */
  readonly calls: { plan: number; graph: number; listRepos: number };
  /** What each run was asked to act on. */
  readonly targets: RunTarget[];
  /** The plans saved, and where. */
  readonly saved: Array<{ plan: Plan; path: string }>;
  /** The decisions the console gave, phase by phase. */
  readonly decisions: Array<{ phase: string; decision: Decision }>;
  readonly runs: number;
}

export function fixtureService(options: FixtureOptions = {}): FixtureService {
  const repos: RepoRow[] = DEMO_REPOS.map(({ estimate: _, ...repo }) => repo);
  for (let i = 0; i < (options.extraRepos ?? 0); i++) {
    repos.push({
      repoId: `x${i}`,
      owner: `owner-${i}`,
      slug: `repo-${i}`,
      branches: 1,
      commits: 10 + (i % 90),
      pushedAt: ago(i),
      lastGcAt: null,
    });
  }
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  if (!options.holdEstimates) release();
  let listFailures = options.listFailures ?? 0;
  let checkFailures = options.checkFailures ?? 0;
  const decisions: Array<{ phase: string; decision: Decision }> = [];
  let runs = 0;
  const calls = { plan: 0, graph: 0, listRepos: 0 };
  const targets: RunTarget[] = [];
  const saved: Array<{ plan: Plan; path: string }> = [];
  const ran: Array<{ repoId: string; record: RunRecord }> = [];
  const planFor = (repo: RepoIdentity, graceSeconds: number): Plan => {
    const plan = demoPlan(repo, graceSeconds);
    const empty = options.emptyPhases ?? [];
    return {
      ...plan,
      phases: plan.phases.map((phase) => (empty.includes(phase.phase) ? phasePlan(phase.phase, {}) : phase)),
    };
  };
  let releasePhase: () => void = () => undefined;
  const phaseReleased = new Promise<void>((resolve) => (releasePhase = resolve));
  let releaseCheck: () => void = () => undefined;
  const checkReleased = new Promise<void>((resolve) => (releaseCheck = resolve));
  let releaseSweep: () => void = () => undefined;
  const sweepReleased = new Promise<void>((resolve) => (releaseSweep = resolve));
  const checks = recordedChecks();
  let strays = 22;
  const sweeps: Array<{ dryRun: boolean }> = [];
  const sweepRecords: SweepRecord[] = [sweepRecord(sweepResult(storeFound(strays), true, 'sweep-0'), ago(2 * 3600))];
  let releasePass: () => void = () => undefined;
  const passReleased = new Promise<void>((resolve) => (releasePass = resolve));
  const passes: Array<{ repoIds?: readonly string[] }> = [];
  /** What the engine sizes a pass by: the embedded hub's one connection, or a server's pool for two workers. */
  const fixtureHub = {
    kind: options.embedded ? ('embedded' as const) : ('server' as const),
    poolMax: hubPoolSize(DEFAULT_WORKERS),
  };
  /** A repo's turn in a pass: skipped, or run through every phase. */
  async function* passTurn(repo: RepoIdentity): AsyncGenerator<HubEvent> {
    const started_at = new Date().toISOString();
    const ended = (fields: Pick<HubRepoResult, 'status' | 'detail' | 'result'>): HubEvent => ({
      type: 'repo-done',
      outcome: {
        repo: repoName(repo),
        repo_id: repo.repoId,
        started_at,
        finished_at: new Date().toISOString(),
        ...fields,
      },
    });
    const skipped = PASS_SKIPS[repo.repoId];
    if (skipped) {
      yield ended(skipped);
      return;
    }
    yield { type: 'repo-start', repo };
    const held = repo.repoId === options.holdPassAt ? { phase: 'commits' as const, released: passReleased } : undefined;
    const run = runPlan(passPlan(repo), 'derived', async () => 'go', held);
    for (let next = await run.next(); ; next = await run.next()) {
      if (next.done) {
        yield ended({ status: next.value.outcome, result: next.value });
        return;
      }
      yield { type: 'repo-event', repo, event: next.value };
    }
  }

  return {
    label: options.label ?? 'fixture demo hub',
    hub: { hubId: 'hub-1', label: 'fixture demo hub' },
    canCollect: true,
    hubWorkers: workersFor(fixtureHub).workers,
    passes,
    releasePass: () => releasePass(),
    decisions,
    targets,
    saved,
    get runs() {
      return runs;
    },
    calls,
    releaseEstimates: () => release(),
    releasePhase: () => releasePhase(),
    releaseCheck: () => releaseCheck(),
    releaseSweep: () => releaseSweep(),
    get strays() {
      return strays;
    },
    sweeps,
    async listRepos() {
      calls.listRepos += 1;
      if (listFailures > 0) {
        listFailures -= 1;
        throw typedDatabaseError(
          Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
          'fixture demo hub',
        );
      }
      return repos;
    },
    async *estimates(repoIds, signal) {
      await released;
      for (const repoId of repoIds) {
        if (signal?.aborted) return;
        const demo = DEMO_REPOS.find((repo) => repo.repoId === repoId);
        const estimate = demo?.estimate ?? {
          orphanCommits: 0,
          orphanObjects: 0,
          reclaimableBytes: Number(repoId.slice(1)),
          commitsToDelete: 0,
          objectsToDelete: 0,
        };
        // keystrio's phases 3-4 are refused, as the engine estimates a torn manifest: counted, and not cached.
        const refused =
          repoId === 'r4'
            ? { error: 'phases 3-4 refused: a live manifest does not decode', refused: 'snapshot 5a5a does not decode' }
            : {};
        yield { repoId, ...estimate, computedAt: demo ? ago(600) : ago(0), ...refused };
      }
    },
    async graph() {
      calls.graph += 1;
      return options.graph ?? BLUE_IN_GREEN;
    },
    async commit(commitId): Promise<CommitDetail> {
      const commit = (options.graph ?? BLUE_IN_GREEN).find((entry) => entry.commitId === commitId);
      if (!commit) throw new Error(`no commit ${commitId}`);
      return {
        commitId,
        parentIds: commit.parentIds,
        message: `${commit.message}\n\nRecorded at the second session.`,
        author: commit.author,
        timestamp: commit.timestamp,
        snapshotId: cid('5a5a5a1'),
        files: [
          { path: 'bass/take.mid', objectId: `sha256:${cid('0b0b0b1')}`, bytes: 65536 },
          { path: 'piano/comping.wav', objectId: `sha256:${cid('0c0c0c1')}`, bytes: null },
        ],
      };
    },
    async why(repo, id, { graceSeconds }) {
      return fixtureWhy(repo, options.graph ?? BLUE_IN_GREEN, id, graceSeconds);
    },
    async findRepo(ref) {
      const repo = repos.find((entry) => `${entry.owner}/${entry.slug}` === ref || entry.repoId === ref);
      if (!repo) throw new Error(`no repo ${ref}`);
      return repo;
    },
    async plan(repo, { graceSeconds }) {
      calls.plan += 1;
      return planFor(repo, graceSeconds);
    },
    async *run(target, { decide }): AsyncGenerator<GcEvent, RunResult> {
      runs += 1;
      targets.push(target);
      if (options.storeRefuses) throw new Error(options.storeRefuses);
      const plan = 'plan' in target ? target.plan : planFor(target.repo, target.graceSeconds);
      const held = options.holdPhase ? { phase: options.holdPhase, released: phaseReleased } : undefined;
      const result = yield* runPlan(
        plan,
        'plan' in target ? target.source : 'derived',
        async (phase) => {
          const decision = await decide(phase, plan);
          decisions.push({ phase: phase.phase, decision });
          return decision;
        },
        held,
      );
      ran.unshift({
        repoId: plan.repo.repoId,
        record: {
          runId: `${result.run_id}-${runs}`,
          startedAt: ago(30),
          finishedAt: ago(28),
          who: 'ops@console',
          dryRun: false,
          graceSeconds: plan.graceSeconds,
          outcome: result.outcome,
          bytesFreed: result.storage_bytes_freed,
          errors: result.errors,
          phases: result.phases,
        },
      });
      return result;
    },
    async resume() {
      return { blobs: 0, bytes: 0, renamed: 0, errors: [], leftAlone: { entries: 0, blobs: 0 }, warnings: [] };
    },
    // The console shows no journal: the fixture's is empty.
    journal: async () => [],
    dropJournal: async () => ({ entries: 0, blobs: 0, bytes: 0 }),
    journalDrops: async () => [],
    async savePlan(plan, path) {
      saved.push({ plan, path });
      return 1234;
    },
    async loadPlan(path) {
      // One plan file exists: blue-in-green's plan, saved for ticket 4711 by ops on gc-box.
      if (!path.endsWith('/gc-4711.gcplan')) throw new Error(`plan file ${path} does not exist: check the name`);
      return { ...planFor(repos[0]!, 3600), madeBy: { user: 'ops', host: 'gc-box', tool: 'musehub-gc 0.1.0' } };
    },
    async comparePlan(plan) {
      // Since the file: a release pins two of the commits it lists.
      const drift: PlanDrift = {
        checkedAt: ago(0),
        graceSeconds: plan.graceSeconds,
        phases: plan.phases.map((phase) => ({
          phase: phase.phase,
          listed: { refs: phase.refs, rows: phase.rows, bytes: phase.bytes },
          now: { refs: phase.refs, rows: phase.rows, bytes: phase.bytes },
          noLongerGarbage: [],
        })),
        notes: [],
      };
      const commits = drift.phases[0]!;
      commits.now = { ...commits.listed, refs: commits.listed.refs - 2, rows: commits.listed.rows - 2 };
      commits.noLongerGarbage = [{ reason: 'live', count: 2, detail: '2 live again: reachable from release v0.9' }];
      return drift;
    },
    async *check(target, { signal }) {
      // A check of every repo checks the demo's four: a hub made big for scrolling has nothing more to find.
      const checked = 'repo' in target ? [target.repo] : repos.slice(0, DEMO_REPOS.length);
      if (checkFailures > 0) {
        checkFailures -= 1;
        throw new Error('Connection terminated unexpectedly');
      }
      const report: CheckReport = { checkedAt: ago(0), clean: true, blobs: false, repos: [], warnings: [] };
      for (const [index, { repoId, owner, slug }] of checked.entries()) {
        if (signal?.aborted) break;
        const repo = { repoId, owner, slug };
        yield { type: 'repo-start', repo, index, total: checked.length };
        yield { type: 'progress', repo, step: 'liveness', done: 0, total: 0 };
        if (index === options.holdCheckAt) await checkReleased;
        const problems = (options.checkProblems ?? CHECK_PROBLEMS)[repoId] ?? [];
        const result: RepoCheck = {
          repo,
          checkedAt: ago(0),
          clean: problems.length === 0,
          blobs: false,
          problems,
          seconds: 0.1,
        };
        checks.set(repoId, recordOf(result));
        report.repos.push(result);
        report.clean &&= result.clean;
        yield { type: 'repo-done', result };
      }
      yield { type: 'check-done', report };
      return report;
    },
    async lastCheck(repo) {
      return checks.get(repo.repoId) ?? null;
    },
    async *sweep({ dryRun = false, confirm, signal }): AsyncGenerator<SweepEvent, SweepResult> {
      sweeps.push({ dryRun });
      const found = storeFound(strays);
      yield { type: 'listing', listed: 500, bytes: 500 * STRAY_BYTES };
      yield { type: 'listing', listed: found.listed, bytes: found.listedBytes };
      yield { type: 'compared', found };
      const result = sweepResult(found, dryRun, `sweep-${sweeps.length}`);
      if (found.candidates > 0 && !dryRun && confirm && !(await confirm(found))) result.outcome = 'declined';
      for (let done = 0; result.outcome === 'done' && done < found.candidates; ) {
        if (signal?.aborted) {
          result.outcome = 'stopped';
          break;
        }
        const batch = Math.min(SWEEP_BATCH, found.candidates - done);
        done += batch;
        yield { type: 'batch', keys: [], dryRun };
        if (!dryRun) {
          result.deleted += batch;
          result.deletedBytes += batch * STRAY_BYTES;
          strays -= batch;
        }
        yield { type: 'progress', done, total: found.candidates, deleted: result.deleted, bytes: result.deletedBytes };
        if (options.holdSweep && done === batch) await sweepReleased;
      }
      sweepRecords.push(sweepRecord(result, ago(0)));
      yield { type: 'sweep-done', result };
      return result;
    },
    async lastSweep({ dryRun }) {
      return sweepRecords.filter((record) => record.dryRun === dryRun).at(-1) ?? null;
    },
    async *runAll({ graceSeconds, workers: wanted, stop, repoIds }): AsyncGenerator<HubEvent, HubResult> {
      passes.push({ repoIds });
      if (options.storeRefuses) throw new Error(options.storeRefuses);
      const { workers, notice } = workersFor(fixtureHub, wanted);
      if (notice) yield { type: 'notice', message: notice };
      // The pass's order: the demo's four by their estimates (keystrio's failed, so it has none and goes last), then the others.
      const queue = repos
        .filter((repo) => !repoIds || repoIds.includes(repo.repoId))
        .map(({ repoId, owner, slug }) => ({ repoId, owner, slug }));
      // The pass's clock is the machine's, as the engine's result is: its durations and rates are real.
      const start: PassStart = {
        pass_id: `pass-${passes.length}`,
        since: new Date().toISOString(),
        started_at: new Date().toISOString(),
        workers,
      };
      const ended = new Map<string, HubRepoResult>();
      yield { type: 'hub-start', pass: start, total: queue.length, repos: queue };
      yield* passEvents(queue, workers, passTurn, ended, stop);
      const result = passResult(start, queue, ended, {
        hub: { hubId: 'hub-1', label: 'fixture demo hub' },
        dryRun: false,
        graceSeconds,
      });
      yield { type: 'hub-done', result };
      return result;
    },
    planAll() {
      throw new Error('the fixture service plans no hub');
    },
    async history(repo): Promise<RunRecord[]> {
      // This console's runs first, as the engine records them; blue-in-green has two from before.
      const before: RunRecord[] =
        repo.repoId !== 'r1'
          ? []
          : [
              {
                runId: 'run-0',
                startedAt: ago(2 * 86400),
                finishedAt: ago(2 * 86400 - 5),
                who: 'ops',
                dryRun: false,
                graceSeconds: 3600,
                outcome: 'done',
                bytesFreed: 2 * 1024 * 1024,
                errors: [],
                phases: [
                  recordedPhase('commits', { status: 'done', refs: 4, rows: 4, seconds: 0.4 }),
                  recordedPhase('objects', {
                    status: 'done',
                    rows: 9,
                    bytes: 2 * 1024 * 1024,
                    blobs: 9,
                    seconds: 1.2,
                    keptSincePlan: 1,
                    kept: [{ reason: 'live', count: 1, detail: '1 live again since the plan' }],
                    differences: ['1 object was live again when the phase ran, and stayed'],
                  }),
                ],
              },
              {
                runId: 'run-00',
                startedAt: ago(9 * 86400),
                finishedAt: ago(9 * 86400 - 5),
                who: 'cron',
                dryRun: false,
                graceSeconds: 3600,
                outcome: 'failed',
                bytesFreed: 0,
                errors: ['2 blobs stay in the journal: AccessDenied'],
                phases: [
                  recordedPhase('commits', { status: 'done', refs: 1, rows: 1 }),
                  recordedPhase('objects', {
                    status: 'failed',
                    rows: 2,
                    errors: ['2 blobs stay in the journal: AccessDenied'],
                  }),
                ],
              },
            ];
      return [...ran.filter((run) => run.repoId === repo.repoId).map((run) => run.record), ...before];
    },
  };
}
