/**
 * A sweep of the blob store: keys under `objects/` that no row names and that are older
 * than the grace period. Its output is data, as a GC run's is: typed events while it
 * works and a result at the end, for the console and `musehub-gc sweep` alike.
 */
import type { SweepOutcome } from '../../db/tool-schema.js';

/** A key as the sweep deletes it (or, in a dry run, would). */
export interface SweptKey {
  key: string;
  size: number;
}

/** What the comparison of the listing with the rows found, before anything is deleted. */
export interface SweepFound {
  listed: number;
  listedBytes: number;
  /** Keys a row names: they stay. */
  named: number;
  /** Keys no blob reference can name safely (an empty segment, `..`, a backslash): left alone. */
  odd: number;
  /** Keys no row names but written after the cutoff (an upload writes its blob before its row): they stay. */
  young: number;
  /** Keys no row names, older than the cutoff: what the sweep deletes. */
  candidates: number;
  candidateBytes: number;
}

/** How old a key no row names must be unless a sweep is told otherwise: an upload writes its blob before its row. */
export const SWEEP_GRACE_SECONDS = 86_400;

export interface SweepOptions {
  /** Keys modified after now minus this are never deleted. */
  graceSeconds: number;
  /** Lists what it would delete, and deletes nothing. */
  dryRun?: boolean;
  /** Asked once the candidates are known, before anything is deleted; no answer, no deletion. */
  confirm?: (found: SweepFound) => Promise<boolean>;
  /** Stops after the batch being deleted. */
  signal?: AbortSignal;
}

export type SweepEvent =
  /** Blob deletions an interrupted run or sweep left in the journal, finished first. */
  | { type: 'journal-resumed'; blobs: number; bytes: number; errors: string[] }
  | { type: 'listing'; listed: number; bytes: number }
  | { type: 'compared'; found: SweepFound }
  /** A batch of candidates, re-checked against the rows: deleted now, or in a dry run what would be. */
  | { type: 'batch'; keys: SweptKey[]; dryRun: boolean }
  | { type: 'progress'; done: number; total: number; deleted: number; bytes: number }
  | { type: 'error'; message: string }
  /** Something the sweep could not do beside its work: its outcome not recorded, say. */
  | { type: 'warning'; message: string }
  | { type: 'sweep-done'; result: SweepResult };

export interface SweepResult extends SweepFound {
  /** The journal's run_id for this sweep's entries. */
  sweepId: string;
  store: string;
  dryRun: boolean;
  graceSeconds: number;
  /** ISO 8601: keys modified after it stay. */
  cutoff: string;
  outcome: SweepOutcome;
  /** Candidates a row named by the time their batch was deleted (an upload that raced the sweep): they stay. */
  keptOnRecheck: number;
  /** Blobs deleted (or found already gone), and their listed bytes. */
  deleted: number;
  deletedBytes: number;
  errors: string[];
  seconds: number;
  /** Seconds each step took: resume, listing, compare, recheck, blobs. */
  profile: Record<string, number>;
}

/** A sweep as musehub_gc_sweeps keeps it: its result, without where the time went, and when it ended. */
export interface SweepRecord extends Omit<SweepResult, 'profile'> {
  /** ISO 8601, the database's clock. */
  finishedAt: string;
}
