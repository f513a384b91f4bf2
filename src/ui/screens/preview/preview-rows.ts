/** The preview's phase table as rows (pure): what each phase deletes, and what it keeps and why. */
import type { Plan } from '../../../gc/types.js';
import { fit } from '../../fit.js';
import { describeDeletes, describeKept, phaseTitle } from '../../../present/run.js';
import type { Tone } from '../../theme.js';
import { columnWidth, tableChrome } from '../../table.js';

export const PREVIEW_COLUMNS = ['PHASE', 'DELETES', 'KEPT, AND WHY'] as const;

export type PreviewRow = Record<(typeof PREVIEW_COLUMNS)[number], string>;

/** The colour of each column's cells: what goes, what stays. */
export const PREVIEW_TONES: ReadonlyArray<Tone | undefined> = [undefined, 'orphaned', 'kept'];

const KEPT_HEADING = PREVIEW_COLUMNS[2];

/** `▸ 3 object refs`, the widest a phase's cell gets. */
const PHASE_WIDTH = 15;
/** Deletes wider than this are cut, so that the reasons for what stays keep room. */
const DELETES_MOST = 34;

/** One row a phase, the chosen one marked, cut to fit `width` columns. */
export function previewRows(plan: Plan, chosen: number, width: number): PreviewRow[] {
  const deletes = plan.phases.map((phase) => (phase.refused ? `refused: ${phase.refused}` : describeDeletes(phase)));
  const room = width - tableChrome(PREVIEW_COLUMNS.length) - PHASE_WIDTH;
  const deletesWidth = columnWidth('DELETES', deletes, Math.min(DELETES_MOST, room - KEPT_HEADING.length));
  const keptWidth = Math.max(KEPT_HEADING.length, room - deletesWidth);
  return plan.phases.map((phase, index) => ({
    PHASE: fit(`${index === chosen ? '▸' : ' '} ${phaseTitle(phase.phase)}`, PHASE_WIDTH),
    DELETES: fit(deletes[index]!, deletesWidth),
    'KEPT, AND WHY': fit(describeKept(phase.kept), keptWidth),
  }));
}
