/** A repo's check as the Check tab reads (pure): which check it shows, the line about it, and its findings explained. */
import {
  PROBLEM_KINDS,
  recordOf,
  type CheckProblem,
  type CheckRecord,
  type RepoCheck,
} from '../../../gc/check/types.js';
import { adviseProblem, describeCheckOutcome, describeProblem } from '../../../present/check.js';
import { formatAgo } from '../../../present/units.js';
import { counted } from '../../../present/words.js';
import { wrapText } from '../../fit.js';
import type { PagerLine } from '../../line-pager.js';
import type { Tone } from '../../theme.js';

/** A check as this console ran it, with the first ids of each kind; or as recorded, with counts only; or none. */
export type ShownCheck = { result: RepoCheck } | { record: CheckRecord } | null;

/** This console's check of the repo, unless the recorded one is newer (another console, a cron). */
export function shownCheck(session: RepoCheck | undefined, record: CheckRecord | null): ShownCheck {
  if (session && (!record || Date.parse(session.checkedAt) >= Date.parse(record.checkedAt))) return { result: session };
  return record ? { record } : null;
}

function recordOfShown(shown: NonNullable<ShownCheck>): CheckRecord {
  return 'result' in shown ? recordOf(shown.result) : shown.record;
}

/** The line above the findings: `last check: 3 problems, 2h ago · …`, or that there was none. */
export function checkSummary(shown: ShownCheck, now: number): string {
  if (!shown) return 'never checked: c checks the repo now; the check changes nothing';
  const record = recordOfShown(shown);
  const blobs = record.blobs ? 'blobs included' : "the objects' blobs not looked up (musehub-gc check --blobs does)";
  return `last check: ${describeCheckOutcome(record)}, ${formatAgo(record.checkedAt, now)} · ${blobs}`;
}

/** Per kind found: what it is, counted; what it means and what to do; the ids the check listed. */
export function findingLines(shown: ShownCheck, width: number): PagerLine[] {
  if (!shown) return [];
  const record = recordOfShown(shown);
  if (record.clean) return [{ text: '✔ clean: nothing to say before pruning.', tone: 'done' }];
  const problems: Array<Omit<CheckProblem, 'examples'> & { examples?: CheckProblem['examples'] }> =
    'result' in shown
      ? shown.result.problems
      : PROBLEM_KINDS.flatMap((kind) => (record.problems[kind] ? [{ kind, count: record.problems[kind] }] : []));
  const lines: PagerLine[] = [];
  /** `text` in lines that fit, each after `indent`, the first after `first` instead. */
  const wrapped = (text: string, indent: string, tone?: Tone, first = indent) => {
    wrapText(text, Math.max(10, width - indent.length)).forEach((part, index) => {
      lines.push({ text: `${index === 0 ? first : indent}${part}`, ...(tone ? { tone } : {}) });
    });
  };
  for (const { kind, count, examples } of problems) {
    wrapped(describeProblem(kind, count), '  ', 'error', '✗ ');
    wrapped(adviseProblem(kind), '    ');
    for (const { id, detail } of examples ?? []) wrapped(`${id}${detail ? `  ${detail}` : ''}`, '    ', 'muted');
    const more = count - (examples?.length ?? 0);
    if (examples && more > 0) lines.push({ text: `    and ${counted(more, 'more', 'more')}`, tone: 'muted' });
    lines.push({ text: '' });
  }
  if (!('result' in shown))
    lines.push({ text: 'The recorded check keeps counts only: c checks again and lists the ids.', tone: 'muted' });
  return lines;
}
