/**
 * What an integrity check reports: per repo, each kind of problem with its count and the
 * first few ids. The console and `musehub-gc check` are two consumers of the same report
 * and events; the words for each kind are in present/check.ts.
 */
import type { RepoIdentity } from '../types.js';

/** The kinds of problem a check looks for, in the order it reports them. */
export const PROBLEM_KINDS = [
  /** A branch head, release or wire tag names a commit with no row. */
  'root-without-commit',
  /** A commit of the repo (or a release) names a snapshot with no row. */
  'snapshot-without-row',
  /** A live snapshot's manifest is missing or unreadable (docs/manifests.md): non-str or duplicate keys, a bad id, … */
  'manifest-unreadable',
  /** A live manifest names an object with no row. */
  'object-without-row',
  /** A live manifest names an object the repo holds no ref to. */
  'object-without-ref',
  /** A live commit of the repo has no ref row in it: other repos' GC cannot see that it needs it. */
  'commit-without-ref',
  /** A live commit's parent_ids is not a JSON array of commit ids. */
  'parents-malformed',
  /** A fetch-pack cache row names an mpack whose blob is not in the store. */
  'cache-blob-missing',
  /** An object the repo refs has no blob in the store (with `blobs`). */
  'object-blob-missing',
] as const;

export type ProblemKind = (typeof PROBLEM_KINDS)[number];

/** One problem: the id it is about (a commit, snapshot, object, cache row, or `branch main`) and what is wrong. */
export interface ProblemExample {
  id: string;
  detail: string;
}

export interface CheckProblem {
  kind: ProblemKind;
  count: number;
  /** The first few, by id. */
  examples: ProblemExample[];
}

export interface RepoCheck {
  repo: RepoIdentity;
  /** ISO 8601, the database's clock. */
  checkedAt: string;
  clean: boolean;
  /** Whether the objects' blobs were looked up too. */
  blobs: boolean;
  /** The kinds found, in PROBLEM_KINDS order; empty when clean. */
  problems: CheckProblem[];
  seconds: number;
}

export interface CheckReport {
  /** ISO 8601, the database's clock, when the check began. */
  checkedAt: string;
  clean: boolean;
  blobs: boolean;
  repos: RepoCheck[];
  /** Why a part could not be checked (no blob store for the cache blobs, say). */
  warnings: string[];
}

/** A repo, or every repo of the hub. */
export type CheckTarget = { repo: RepoIdentity } | { all: true };

export interface CheckOptions {
  /** Liveness counts refs younger than this as roots, as GC does. */
  graceSeconds: number;
  /** Look up each object's blob in the store too (a request per object on S3). */
  blobs?: boolean;
  /** Stops before the next repo. */
  signal?: AbortSignal;
}

/** What a check is busy with: deriving liveness, reading rows, looking up blobs. */
export type CheckStep = 'liveness' | 'rows' | 'cache blobs' | 'object blobs';

export type CheckEvent =
  | { type: 'repo-start'; repo: RepoIdentity; index: number; total: number }
  | { type: 'progress'; repo: RepoIdentity; step: CheckStep; done: number; total: number }
  | { type: 'repo-done'; result: RepoCheck }
  | { type: 'warning'; message: string }
  | { type: 'check-done'; report: CheckReport };

/** The last check of a repo, as recorded. */
export interface CheckRecord {
  repoId: string;
  checkedAt: string;
  clean: boolean;
  blobs: boolean;
  /** Count by kind of what it found. */
  problems: Partial<Record<ProblemKind, number>>;
}

/** A check's result as its record keeps it: counts by kind, without the ids. */
export function recordOf(check: RepoCheck): CheckRecord {
  return {
    repoId: check.repo.repoId,
    checkedAt: check.checkedAt,
    clean: check.clean,
    blobs: check.blobs,
    problems: Object.fromEntries(check.problems.map((problem) => [problem.kind, problem.count])),
  };
}
