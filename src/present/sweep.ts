/** A sweep of the store in the operator's words: the strays it found, its batches, how it ended. */
import type { SweepFound, SweepResult } from '../gc/sweep/types.js';
import { formatBytes, formatDuration, formatGrace } from './units.js';
import { counted } from './words.js';

/** A sweep's strays: `90 keys (4.0 MiB)`. */
export function describeStrays(found: Pick<SweepFound, 'candidates' | 'candidateBytes'>): string {
  return `${counted(found.candidates, 'key')} (${formatBytes(found.candidateBytes)})`;
}

/** What a sweep's comparison found: `listed 1,000 keys (4.0 MiB) under objects/: 900 named by rows, 10 younger than 1d, 90 strays (…)`. */
export function describeSweepFound(found: SweepFound, graceSeconds: number): string {
  return (
    `listed ${counted(found.listed, 'key')} (${formatBytes(found.listedBytes)}) under objects/: ` +
    `${found.named.toLocaleString('en-US')} named by rows, ${found.young.toLocaleString('en-US')} younger than ` +
    `${formatGrace(graceSeconds)}, ${counted(found.candidates, 'stray', 'strays')} (${formatBytes(found.candidateBytes)})`
  );
}

/** A sweep's batches so far: `40/90 strays: 40 keys deleted (1.8 MiB)`. */
export function describeSweepProgress(progress: {
  done: number;
  total: number;
  deleted: number;
  bytes: number;
}): string {
  return `${progress.done}/${progress.total} strays: ${counted(progress.deleted, 'key')} deleted (${formatBytes(progress.bytes)})`;
}

/** How a sweep ended: `dry run: would delete 90 keys, in 0.3 s`, `sweep done: deleted 90 keys (4.0 MiB) of file:///…, in 1.2 s`. */
export function describeSweepResult(result: Omit<SweepResult, 'profile'>): string {
  const kept =
    result.keptOnRecheck > 0
      ? `; ${result.keptOnRecheck.toLocaleString('en-US')} kept: a row named them during the sweep`
      : '';
  const errors = result.errors.length > 0 ? `; ${counted(result.errors.length, 'error')}` : '';
  if (result.dryRun) {
    return `dry run: would delete ${counted(result.candidates - result.keptOnRecheck, 'key')}${kept}, in ${formatDuration(result.seconds)}`;
  }
  return (
    `sweep ${result.outcome}: deleted ${counted(result.deleted, 'key')} (${formatBytes(result.deletedBytes)}) ` +
    `of ${result.store}${kept}${errors}, in ${formatDuration(result.seconds)}`
  );
}
