/** Past runs as the history table (pure): which columns fit, and one row a run of the window shown. */
import type { RunRecord } from '../../../gc/service.js';
import { phaseNamed, phaseOfSet, setNamed, TO_DELETE_SETS } from '../../../gc/phases/catalog.js';
import { fit } from '../../fit.js';
import { formatAgo, formatBytes, formatGrace } from '../../../present/units.js';
import { counted } from '../../../present/words.js';
import { columnWidth, tableChrome } from '../../table.js';

export const HISTORY_COLUMNS = ['STARTED', 'WHO', 'MODE', 'GRACE', 'OUTCOME', 'FREED', 'DELETED'] as const;

export type HistoryColumn = (typeof HISTORY_COLUMNS)[number];
export type HistoryRow = Record<HistoryColumn, string>;

/** Who ran it, cut: a long user@host name does not push the counts off the screen. */
const WHO_MOST = 12;
/** A narrow terminal drops these first, in this order. */
const DROPPED_FIRST: readonly HistoryColumn[] = ['GRACE', 'MODE', 'WHO'];
const LAST = 'DELETED' satisfies HistoryColumn;
/** The columns what a run deleted wants before others are dropped: `13 commits, 18 objects`. */
const LAST_LEAST = 22;

function alignOf(column: HistoryColumn): 'left' | 'right' {
  return column === 'FREED' ? 'right' : 'left';
}

/** What a run deleted in the words of src/present/words.ts, and the phases it did not run: `13 commits, 18 objects; refused: 3, 4`. */
function deletedCell(run: RunRecord): string {
  const deleted = TO_DELETE_SETS.map((key) => {
    const set = setNamed(key);
    const entry = run.phases.find((phase) => phase.phase === phaseOfSet(key).name && phase.status === 'done');
    return counted(entry?.[set.count] ?? 0, set.one, set.many);
  });
  const notDone = (status: string) =>
    run.phases.filter((entry) => entry.status === status).map((entry) => phaseNamed(entry.phase).number);
  const refused = notDone('refused');
  const failed = notDone('failed');
  return [
    deleted.join(', '),
    ...(refused.length > 0 ? [`refused: ${refused.join(', ')}`] : []),
    ...(failed.length > 0 ? [`failed: ${failed.join(', ')}`] : []),
  ].join('; ');
}

/** A run's cells as text, before they are cut to their columns; when it started, absolute and relative, or relative only. */
function cellsOf(run: RunRecord, marked: boolean, now: number, absolute: boolean): HistoryRow {
  const ago = formatAgo(run.startedAt, now);
  return {
    STARTED: `${marked ? '▸' : ' '} ${absolute ? `${run.startedAt.slice(0, 16).replace('T', ' ')} (${ago})` : ago}`,
    WHO: run.who,
    MODE: run.dryRun ? 'dry run' : 'real',
    GRACE: formatGrace(run.graceSeconds),
    OUTCOME: run.outcome,
    FREED: formatBytes(run.bytesFreed),
    [LAST]: deletedCell(run),
  };
}

/**
 * The columns that fit `width` and the rows of runs `first` to `last` (the window shown),
 * the one at `cursor` marked. Columns are sized over every run, so that they hold still
 * while the window scrolls; the phase counts take what is left.
 */
export function historyTable(
  runs: readonly RunRecord[],
  window: { first: number; last: number },
  cursor: number,
  now: number,
  width: number,
): { columns: Array<{ key: HistoryColumn; align: 'left' | 'right' }>; rows: Array<Partial<HistoryRow>> } {
  let all = runs.map((run, index) => cellsOf(run, index === cursor, now, true));
  const widthOf = (column: HistoryColumn) =>
    columnWidth(
      column,
      all.map((cells) => cells[column]),
      column === 'WHO' ? WHO_MOST : Infinity,
    );
  let columns = [...HISTORY_COLUMNS];
  const room = () =>
    width -
    tableChrome(columns.length) -
    columns.filter((column) => column !== LAST).reduce((sum, column) => sum + widthOf(column), 0);
  for (const dropped of DROPPED_FIRST) {
    if (room() >= LAST_LEAST) break;
    columns = columns.filter((column) => column !== dropped);
  }
  // Narrower still, the start is said relative only (Enter on the run says it whole).
  if (room() < LAST_LEAST) all = runs.map((run, index) => cellsOf(run, index === cursor, now, false));
  const widths = new Map(
    columns.map((column) => [column, column === LAST ? Math.max(LAST.length, room()) : widthOf(column)]),
  );
  const rows = all.slice(window.first, window.last).map((cells) => {
    const row: Partial<HistoryRow> = {};
    for (const column of columns) row[column] = fit(cells[column], widths.get(column)!, alignOf(column));
    return row;
  });
  return { columns: columns.map((key) => ({ key, align: alignOf(key) })), rows };
}

/** What a search of the history finds a run by: its row's cells, the start absolute and relative, and its errors. */
export function runText(run: RunRecord, now: number): string {
  return [...Object.values(cellsOf(run, false, now, true)), ...run.errors].join(' ');
}

/** What the history says under its table about the run at the cursor: its errors, if it had any. */
export function runErrors(run: RunRecord): string {
  return run.errors.length === 0 ? '' : `${counted(run.errors.length, 'error')}: ${run.errors.join('; ')}`;
}
