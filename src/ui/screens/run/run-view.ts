/** How a run reads (pure): each phase's line and its progress, the prompt; the words are present/run.ts's. */
import type { PhasePlan, Plan, RunResult } from '../../../gc/types.js';
import { describeCheckOutcome } from '../../../present/check.js';
import { describeDeletes, isEmptyPhase, phaseTitle } from '../../../present/run.js';
import { formatAgo, formatBytes, formatDuration, formatRate } from '../../../present/units.js';
import { counted } from '../../../present/words.js';
import { phaseQuestion } from '../../../present/run.js';
import type { Tone } from '../../theme.js';
import type { LastCheck, PhaseRow, Prompt } from './run-reducer.js';

const STATUS_GLYPHS: Record<PhaseRow['status'], { glyph: string; tone: Tone | undefined }> = {
  waiting: { glyph: ' ', tone: undefined },
  asking: { glyph: '?', tone: 'warning' },
  running: { glyph: '▸', tone: 'accent' },
  done: { glyph: '✔', tone: 'done' },
  skipped: { glyph: '↷', tone: 'muted' },
  refused: { glyph: '✗', tone: 'error' },
  failed: { glyph: '✗', tone: 'error' },
  'not-run': { glyph: '-', tone: 'muted' },
};

/** `ETA 0:02` from the rate so far; empty until there is a rate. */
function eta(row: PhaseRow): string {
  const seconds = (row.updatedAt - row.startedAt) / 1000;
  if (row.done === 0 || seconds <= 0) return '';
  const rate = row.done / seconds;
  const left = Math.ceil((row.total - row.done) / rate);
  return `${formatRate(rate)}  ETA ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
}

/** One phase's line: a glyph in its tone, the phase, how far it got (a running phase's bar), and what it did. */
export interface PhaseLine {
  glyph: string;
  tone: Tone | undefined;
  /** The phase's number and title, padded to line the details up. */
  title: string;
  /** How much of a running phase is done, 0 to 100; undefined when it is not running. */
  percent: number | undefined;
  detail: string;
}

/** One phase's line. */
export function phaseLine(row: PhaseRow, prompt: Prompt | null): PhaseLine {
  const { glyph, tone } = STATUS_GLYPHS[row.status];
  const title = phaseTitle(row.phase).padEnd(15);
  let percent: number | undefined;
  const planned = row.plan ? describeDeletes(row.plan) : '';
  let detail: string;
  switch (row.status) {
    case 'waiting':
      detail = row.plan?.refused ? `refused: ${row.plan.refused}` : `will ask first: ${planned}`;
      break;
    case 'asking':
      detail = prompt?.slug ? "waits for your confirmation (type the repo's name)" : 'waits for your confirmation';
      break;
    case 'running':
      percent = row.total > 0 ? (100 * row.done) / row.total : 100;
      detail = `${row.done.toLocaleString('en-US')}/${row.total.toLocaleString('en-US')}  ${row.bytes > 0 ? `${formatBytes(row.bytes)}  ` : ''}${eta(row)}`;
      break;
    default: {
      const result = row.result;
      const took = result ? `  ${formatDuration(result.seconds)}` : '';
      const what =
        result && row.status === 'done'
          ? isEmptyPhase(result)
            ? 'nothing to delete'
            : `${describeDeletes(result)} deleted`
          : row.status;
      const errors = result && result.errors.length > 0 ? `  ${counted(result.errors.length, 'error')}` : '';
      detail = `${what}${took}${errors}`;
    }
  }
  return { glyph, tone, title, percent, detail };
}

/** Whether the repo checked clean, and when: `last check: clean, 2h ago`, `last check: 3 problems, 1d ago — see the Check tab`. */
export function lastCheckLine(lastCheck: LastCheck, now: number): { text: string; tone: Tone } {
  if ('error' in lastCheck) return { text: `last check: not known (${lastCheck.error})`, tone: 'warning' };
  const { record } = lastCheck;
  if (!record)
    return { text: 'last check: never checked — the Check tab checks it, changing nothing', tone: 'warning' };
  const when = `${describeCheckOutcome(record)}, ${formatAgo(record.checkedAt, now)}`;
  return record.clean
    ? { text: `last check: ${when}`, tone: 'done' }
    : { text: `last check: ${when} — see the Check tab`, tone: 'error' };
}

/** The question before a phase (present/run.ts), and for a slug how the console takes an answer. */
export function promptQuestion(plan: Plan, phase: PhasePlan, prompt: Prompt, word: string): string {
  const question = phaseQuestion(plan, phase, word);
  return prompt.slug ? `${question} (Enter on nothing skips, Esc stops):` : question;
}

/** What went otherwise than the preview said: the engine's own notes, and counts that differ from the plan. */
export function differences(plan: Plan | null, result: RunResult): string[] {
  const notes: string[] = [];
  for (const phase of result.phases) {
    const planned = plan?.phases.find((entry) => entry.phase === phase.phase);
    for (const note of phase.differences) notes.push(`${phaseTitle(phase.phase)}: ${note}`);
    if (
      phase.status === 'done' &&
      planned &&
      phase.differences.length === 0 &&
      (planned.rows !== phase.rows || planned.refs !== phase.refs)
    ) {
      const why =
        phase.keptSincePlan > 0 ? `: ${phase.keptSincePlan} were live again when the phase ran, and stayed` : '';
      notes.push(
        `${phaseTitle(phase.phase)}: planned ${describeDeletes(planned)}, deleted ${describeDeletes(phase)}${why}`,
      );
    }
  }
  return notes;
}
