/** A past run as the console shows it (pure): when, by whom, how it ended, and per phase what it did and why things stayed. */
import type { RunRecord } from '../../../gc/service.js';
import { describeDeletes, describeKept, phaseTitle } from '../../../present/run.js';
import { formatAgo, formatBytes, formatDuration, formatGrace } from '../../../present/units.js';
import { counted } from '../../../present/words.js';
import type { PagerLine } from '../../line-pager.js';
import type { Tone } from '../../theme.js';

const STATUS: Record<string, { glyph: string; tone: Tone | undefined }> = {
  done: { glyph: '✔', tone: 'done' },
  skipped: { glyph: '↷', tone: 'muted' },
  refused: { glyph: '✗', tone: 'error' },
  failed: { glyph: '✗', tone: 'error' },
  'not-run': { glyph: '-', tone: 'muted' },
};

/** An instant as an operator reads it on a ticket, and how long ago: `2026-12-03 18:02:11 UTC (16m ago)`. */
export function formatInstant(iso: string, now: number): string {
  return `${iso.slice(0, 19).replace('T', ' ')} UTC (${formatAgo(iso, now)})`;
}

export function runRecordLines(run: RunRecord, now: number): PagerLine[] {
  const took = run.finishedAt
    ? ` · took ${formatDuration((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000)}`
    : '';
  const lines: PagerLine[] = [
    {
      text: `${run.outcome.toUpperCase()} · ${run.dryRun ? 'dry run (rolled back)' : 'real run'} by ${run.who} · grace ${formatGrace(run.graceSeconds)}`,
      tone:
        run.outcome === 'done' ? 'done' : run.outcome === 'failed' || run.outcome === 'refused' ? 'error' : 'warning',
    },
    { text: `started   ${formatInstant(run.startedAt, now)}` },
    { text: `finished  ${run.finishedAt ? formatInstant(run.finishedAt, now) : 'not finished'}${took}` },
    {
      text: `${run.dryRun ? 'to free' : 'freed'}     ${formatBytes(run.bytesFreed)} · ${counted(run.errors.length, 'error')} · run ${run.runId}`,
    },
    { text: '' },
  ];
  for (const phase of run.phases) {
    const { glyph, tone } = STATUS[phase.status] ?? { glyph: '?', tone: undefined };
    const did = phase.status === 'done' ? `deleted ${describeDeletes(phase)}` : phase.status;
    lines.push({
      text: `${glyph} ${phaseTitle(phase.phase).padEnd(15)} ${did} · ${formatDuration(phase.seconds)}`,
      tone,
    });
    if (phase.keptSincePlan > 0) {
      // Why, where history kept it (runs recorded before it did say only how many).
      const why =
        phase.kept && phase.kept.length > 0 ? describeKept(phase.kept) : 'live again, or held, when the phase ran';
      lines.push({
        text: `    kept since the plan: ${phase.keptSincePlan.toLocaleString('en-US')} (${why})`,
        tone: 'kept',
      });
    }
    for (const difference of phase.differences ?? [])
      lines.push({ text: `    differed: ${difference}`, tone: 'warning' });
    for (const error of phase.errors ?? []) lines.push({ text: `    ✗ ${error}`, tone: 'error' });
  }
  if (run.errors.length > 0) {
    lines.push({ text: '' }, { text: 'Errors:' });
    for (const error of run.errors) lines.push({ text: `  ✗ ${error}`, tone: 'error' });
  }
  return lines;
}
