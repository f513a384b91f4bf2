/** What the estimates say of the repos the table shows, summed (pure): the hub's, or the filter's. */
import type { Estimate } from '../../../gc/service.js';
import { counted, formatBytes } from '../../../present.js';

export interface EstimatedTotals {
  repos: number;
  /** Repos whose estimate has arrived and holds numbers. */
  estimated: number;
  /** Repos whose estimate could not be computed (a torn manifest, say). */
  failed: number;
  /** Summed over the estimated repos. */
  orphanCommits: number;
  orphanObjects: number;
  reclaimableBytes: number;
}

/** The totals of these repos by the estimates arrived so far. */
export function estimatedTotals(repoIds: readonly string[], estimates: ReadonlyMap<string, Estimate>): EstimatedTotals {
  const totals: EstimatedTotals = { repos: repoIds.length, estimated: 0, failed: 0, orphanCommits: 0, orphanObjects: 0, reclaimableBytes: 0 };
  for (const repoId of repoIds) {
    const estimate = estimates.get(repoId);
    if (!estimate) continue;
    if (estimate.error) {
      totals.failed++;
      continue;
    }
    totals.estimated++;
    totals.orphanCommits += estimate.orphanCommits;
    totals.orphanObjects += estimate.orphanObjects;
    totals.reclaimableBytes += estimate.reclaimableBytes;
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
  return [`${totals.estimated.toLocaleString('en-US')} estimated`,
    ...(totals.failed > 0 ? [`${totals.failed.toLocaleString('en-US')} failed`] : []),
    ...(pending > 0 ? [`${pending.toLocaleString('en-US')} to go`] : [])].join(', ');
}

/**
 * The totals line above the table, of the repos it shows: `hub: 4 repos, 3 estimated, 1 failed ·
 * 4.6 MiB reclaimable · 44 orphan commits · 73 orphan objects`; with a filter, `filtered: 2 repos, …`.
 */
export function totalsLine(totals: EstimatedTotals, filtered: boolean): string {
  return [
    `${filtered ? 'filtered' : 'hub'}: ${counted(totals.repos, 'repo')}, ${estimatedSoFar(totals)}`,
    `${formatBytes(totals.reclaimableBytes)} reclaimable`,
    counted(totals.orphanCommits, 'orphan commit'),
    counted(totals.orphanObjects, 'orphan object'),
  ].join(' · ');
}
