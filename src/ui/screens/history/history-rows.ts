/** Past runs as the history table (pure): which columns fit, and one row a run of the window shown. */
import type { RunRecord } from '../../../gc/service.js';
import { PHASES } from '../../../gc/phases/table.js';
import { fit } from '../../fit.js';
import { counted, formatAgo, formatBytes, formatGrace } from '../../../present.js';
import { columnWidth, tableChrome } from '../../table.js';

export const HISTORY_COLUMNS = ['STARTED', 'WHO', 'MODE', 'GRACE', 'OUTCOME', 'FREED', 'DELETED PER PHASE'] as const;

export type HistoryColumn = (typeof HISTORY_COLUMNS)[number];
export type HistoryRow = Record<HistoryColumn, string>;

/** Who ran it, cut: a long user@host name does not push the counts off the screen. */
const WHO_MOST = 12;
/** A narrow terminal drops these first, in this order. */
const DROPPED_FIRST: readonly HistoryColumn[] = ['GRACE', 'MODE', 'WHO'];
const LAST = 'DELETED PER PHASE' satisfies HistoryColumn;

function alignOf(column: HistoryColumn): 'left' | 'right' {
  return column === 'FREED' ? 'right' : 'left';
}

/** `1:35 2:35 3:61 4:58 5:2`, with `-` for a phase that did not run. */
function phaseCounts(run: RunRecord): string {
  return PHASES.map((phase) => {
    const recorded = run.phases.find((entry) => entry.phase === phase.name);
    const done = recorded && recorded.status === 'done';
    return `${phase.number}:${done ? recorded.rows + recorded.refs : '-'}`;
  }).join(' ');
}

/** A run's cells as text, before they are cut to their columns. */
function cellsOf(run: RunRecord, marked: boolean, now: number): HistoryRow {
  return {
    STARTED: `${marked ? '▸' : ' '} ${formatAgo(run.startedAt, now)}`,
    WHO: run.who,
    MODE: run.dryRun ? 'dry run' : 'real',
    GRACE: formatGrace(run.graceSeconds),
    OUTCOME: run.outcome,
    FREED: formatBytes(run.bytesFreed),
    [LAST]: phaseCounts(run),
  };
}

/**
 * The columns that fit `width` and the rows of runs `first` to `last` (the window shown),
 * the one at `cursor` marked. Columns are sized over every run, so that they hold still
 * while the window scrolls; the phase counts take what is left.
 */
export function historyTable(
  runs: readonly RunRecord[], window: { first: number; last: number }, cursor: number, now: number, width: number,
): { columns: Array<{ key: HistoryColumn; align: 'left' | 'right' }>; rows: Array<Partial<HistoryRow>> } {
  const all = runs.map((run, index) => cellsOf(run, index === cursor, now));
  const widthOf = (column: HistoryColumn) =>
    columnWidth(column, all.map((cells) => cells[column]), column === 'WHO' ? WHO_MOST : Infinity);
  let columns = [...HISTORY_COLUMNS];
  const room = () => width - tableChrome(columns.length) - columns.filter((column) => column !== LAST).reduce((sum, column) => sum + widthOf(column), 0);
  for (const dropped of DROPPED_FIRST) {
    if (room() >= LAST.length) break;
    columns = columns.filter((column) => column !== dropped);
  }
  const widths = new Map(columns.map((column) => [column, column === LAST ? Math.max(LAST.length, room()) : widthOf(column)]));
  const rows = all.slice(window.first, window.last).map((cells) => {
    const row: Partial<HistoryRow> = {};
    for (const column of columns) row[column] = fit(cells[column], widths.get(column)!, alignOf(column));
    return row;
  });
  return { columns: columns.map((key) => ({ key, align: alignOf(key) })), rows };
}

/** What the history says under its table about the run at the cursor: its errors, if it had any. */
export function runErrors(run: RunRecord): string {
  return run.errors.length === 0 ? '' : `${counted(run.errors.length, 'error')}: ${run.errors.join('; ')}`;
}
