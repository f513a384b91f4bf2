/** What the estimates say of the repos the table shows, summed (pure): the hub's, or the filter's. */
import { MANIFEST_REFUSAL } from '../../../gc/phases/catalog.js';
import type { Estimate } from '../../../gc/service.js';
import { describeToDelete } from '../../../present/run.js';
import { counted, WORDS } from '../../../present/words.js';

export interface EstimatedTotals {
  repos: number;
  /** Repos whose estimate has arrived and holds numbers (those with phases refused among them). */
  estimated: number;
  /** Repos whose estimate could not be computed. */
  failed: number;
  /** Repos whose phases 3 and 4 are refused (a manifest that does not decode): what 1, 2 and 5 delete is counted. */
  refused: number;
  /** Estimated repos whose estimate was cached before it counted what it deletes: their counts are not in `toDelete`. */
  uncounted: number;
  /** Summed over the estimated repos: orphaned commits (src/present/words.ts). */
  orphanCommits: number;
  /** Summed over the estimated repos that counted it: what their plans delete. */
  toDelete: { commits: number; objects: number; bytes: number };
}

/** The totals of these repos by the estimates arrived so far. */
export function estimatedTotals(repoIds: readonly string[], estimates: ReadonlyMap<string, Estimate>): EstimatedTotals {
  const totals: EstimatedTotals = {
    repos: repoIds.length,
    estimated: 0,
    failed: 0,
    refused: 0,
    uncounted: 0,
    orphanCommits: 0,
    toDelete: { commits: 0, objects: 0, bytes: 0 },
  };
  for (const repoId of repoIds) {
    const estimate = estimates.get(repoId);
    if (!estimate) continue;
    if (estimate.error && !estimate.refused) {
      totals.failed++;
      continue;
    }
    totals.estimated++;
    if (estimate.refused) totals.refused++;
    totals.orphanCommits += estimate.orphanCommits;
    totals.toDelete.bytes += estimate.reclaimableBytes;
    if (estimate.commitsToDelete === undefined || estimate.objectsToDelete === undefined) {
      totals.uncounted++;
      continue;
    }
    totals.toDelete.commits += estimate.commitsToDelete;
    totals.toDelete.objects += estimate.objectsToDelete;
  }
  return totals;
}

/** Repos with no estimate yet. */
export function notEstimated(totals: EstimatedTotals): number {
  return totals.repos - totals.estimated - totals.failed;
}

/** How far the estimates have got: `all estimated`, `3 estimated, 1 failed, 2 to go`. */
function estimatedSoFar(totals: EstimatedTotals): string {
  const pending = notEstimated(totals);
  if (pending === 0 && totals.failed === 0) return 'all estimated';
  return [
    `${totals.estimated.toLocaleString('en-US')} estimated`,
    ...(totals.failed > 0 ? [`${totals.failed.toLocaleString('en-US')} failed`] : []),
    ...(pending > 0 ? [`${pending.toLocaleString('en-US')} to go`] : []),
  ].join(', ');
}

/** What the estimates leave out or hold back: `1 repo with phases 3-4 refused`, `2 repos' counts cached before …`. */
export function totalsCaveats(totals: EstimatedTotals): string[] {
  return [
    ...(totals.refused > 0
      ? [
          `${counted(totals.refused, 'repo')} with phases ${MANIFEST_REFUSAL.refused} refused ` +
            `(counted: what phases ${MANIFEST_REFUSAL.goOn} delete)`,
        ]
      : []),
    ...(totals.uncounted > 0
      ? [`${counted(totals.uncounted, 'repo')} estimated before commits and objects ${WORDS.toDelete} were counted`]
      : []),
  ];
}

/**
 * The totals line above the table, of the repos it shows: `hub: 4 repos, all estimated · 42 orphaned
 * commits · to delete: 39 commits, 64 objects, 4.6 MiB`; with a filter, `filtered: 2 repos, …`.
 */
export function totalsLine(totals: EstimatedTotals, filtered: boolean): string {
  return [
    `${filtered ? 'filtered' : 'hub'}: ${counted(totals.repos, 'repo')}, ${estimatedSoFar(totals)}`,
    `${counted(totals.orphanCommits, `${WORDS.orphaned} commit`)}`,
    `${WORDS.toDelete}: ${describeToDelete(totals.toDelete)}`,
    ...totalsCaveats(totals),
  ].join(' · ');
}
