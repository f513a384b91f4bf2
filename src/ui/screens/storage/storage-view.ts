/** How the Storage view reads (pure): the last recorded dry run and sweep, a sweep under way, and its question. */
import type { SweepFound, SweepRecord } from '../../../gc/service.js';
import {
  describeStrays,
  describeSweepFound,
  describeSweepProgress,
  describeSweepResult,
} from '../../../present/sweep.js';
import { formatAgo, formatBytes, formatGrace } from '../../../present/units.js';
import { counted } from '../../../present/words.js';
import type { PagerLine } from '../../line-pager.js';
import { noteText } from '../../notes.js';
import { SWEEP_WORD, type StorageState } from './storage-reducer.js';

/** The strays the last dry run counted and how old that count is; then how the last sweep that could delete ended. */
export function lastSweepLines(dry: SweepRecord | null, real: SweepRecord | null, now: number): PagerLine[] {
  const lines: PagerLine[] = [];
  if (dry) {
    lines.push({ text: `Strays by the last dry run, ${formatAgo(dry.finishedAt, now)}: ${describeStrays(dry)}` });
    lines.push({ text: `  ${describeSweepFound(dry, dry.graceSeconds)}`, tone: 'muted' });
    if (real && Date.parse(real.finishedAt) > Date.parse(dry.finishedAt)) {
      lines.push({
        text: `  A sweep ran after it (${formatAgo(real.finishedAt, now)}): d counts again.`,
        tone: 'warning',
      });
    }
    if (dry.odd > 0) {
      lines.push({
        text: `  ${counted(dry.odd, 'key')} under objects/ no blob reference can name safely: left for a person to look at.`,
        tone: 'warning',
      });
    }
  } else {
    lines.push({ text: 'No dry run recorded: d lists the store and counts the strays; it deletes nothing.' });
  }
  if (real) {
    const failed = real.outcome === 'failed' || real.errors.length > 0;
    lines.push({
      text: `Last sweep, ${formatAgo(real.finishedAt, now)}: ${describeSweepResult(real)}`,
      ...(failed ? { tone: 'error' as const } : {}),
    });
  } else {
    lines.push({ text: 'No sweep recorded.' });
  }
  return lines;
}

/** A sweep started from the view: the listing, what it held against the rows, the batches, how it ended. */
export function sweepLines(state: StorageState, graceSeconds: number): PagerLine[] {
  if (state.stage === 'idle') return [];
  const lines: PagerLine[] = [{ text: state.dryRun ? 'Dry run (deletes nothing):' : 'Sweep:' }];
  if (state.found) lines.push({ text: `✔ ${describeSweepFound(state.found, graceSeconds)}`, tone: 'done' });
  else if (state.stage === 'listing') {
    lines.push({
      text: `▸ listing objects/: ${counted(state.listed.keys, 'key')} (${formatBytes(state.listed.bytes)}) so far`,
      tone: 'accent',
    });
  }
  if (state.progress && !state.result) {
    const text = state.dryRun
      ? `${state.progress.done}/${state.progress.total} strays re-checked against the rows`
      : describeSweepProgress(state.progress);
    lines.push({ text: `▸ ${text}`, tone: 'accent' });
  }
  if (state.stopping && !state.result) lines.push({ text: 'Stopping after this batch.', tone: 'warning' });
  for (const note of state.log) lines.push({ text: noteText(note), tone: note.tone });
  return lines;
}

/** What the confirmation asks, once the sweep knows its strays. */
export function sweepQuestion(found: SweepFound, graceSeconds: number, label: string): { what: string[]; ask: string } {
  return {
    what: [
      `Delete ${describeStrays(found)} under objects/ that no row names, older than ${formatGrace(graceSeconds)}, from the blob store of ${label}?`,
    ],
    ask: `Type ${SWEEP_WORD} to delete them (Enter on nothing deletes nothing, Esc cancels):`,
  };
}
