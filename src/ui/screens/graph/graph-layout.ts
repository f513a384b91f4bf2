/**
 * The commit DAG in lanes, like `git log --graph` but one line per commit (as lazygit
 * lays it out): a pure function, computed once in O(commits x lanes), whose rows say
 * which lane each commit takes and where each lane's line runs. It draws nothing: the
 * console turns rows into glyphs and box characters, only for the window it shows.
 */
import type { CommitState } from '../../../gc/service.js';

/** What the layout needs of a commit; rows come newest first in topological order. */
export interface LayoutCommit {
  commitId: string;
  parentIds: readonly string[];
  state: CommitState;
}

/** Which neighbours the line through a lane cell joins: the rows above and below, the lanes left and right. */
export interface LaneCell {
  readonly up: boolean;
  readonly down: boolean;
  readonly left: boolean;
  readonly right: boolean;
}

/** One row of the layout: where the commit sits, and what each lane does on its row. */
export interface GraphRow {
  commitId: string;
  /** The lane of the commit. */
  lane: number;
  /** One cell a lane, up to the last that holds a line or the commit. */
  cells: readonly LaneCell[];
  /** An unreachable commit that no later commit builds on: where an abandoned chain ends. */
  unreachableTip: boolean;
  /** A live commit where an unreachable chain left the live history (a force push diverged here). */
  divergence: boolean;
}

/** The sixteen cells, shared by every row: a long history holds references, not copies. */
const CELLS: readonly LaneCell[] = Array.from({ length: 16 }, (_, bits) =>
  Object.freeze({ up: (bits & 1) !== 0, down: (bits & 2) !== 0, left: (bits & 4) !== 0, right: (bits & 8) !== 0 }),
);

function cell(up: boolean, down: boolean, left: boolean, right: boolean): LaneCell {
  return CELLS[(up ? 1 : 0) | (down ? 2 : 0) | (left ? 4 : 0) | (right ? 8 : 0)]!;
}

const EMPTY = cell(false, false, false, false);
/** Lays out the commits in lanes; parents absent from `commits` end their path (shallow history). */
export function layoutGraph(commits: readonly LayoutCommit[]): GraphRow[] {
  const position = new Map<string, number>();
  for (const [index, commit] of commits.entries()) position.set(commit.commitId, index);

  // lanes[i] is the commit lane i waits for; fromState[i] the state of the child it comes from.
  const lanes: Array<string | null> = [];
  const fromState: Array<CommitState | null> = [];
  const rows: GraphRow[] = [];

  commits.forEach((commit, index) => {
    const before = lanes.slice();
    const waiting: number[] = [];
    for (let i = 0; i < lanes.length; i++) if (lanes[i] === commit.commitId) waiting.push(i);
    const tip = waiting.length === 0;
    let lane = waiting[0] ?? lanes.indexOf(null);
    if (lane === -1) lane = lanes.length;

    const joins = waiting.slice(1);
    const divergence = commit.state === 'reachable' && waiting.some((i) => fromState[i] !== 'reachable');
    for (const joined of joins) {
      lanes[joined] = null;
      fromState[joined] = null;
    }

    // Parents listed later in the history; one listed earlier (not topological) or absent ends the path.
    const parents = commit.parentIds.filter((id) => (position.get(id) ?? -1) > index);
    lanes[lane] = parents[0] ?? null;
    fromState[lane] = commit.state;
    const opens: number[] = [];
    for (const parent of parents.slice(1)) {
      const existing = lanes.indexOf(parent);
      if (existing !== -1 && existing !== lane) {
        opens.push(existing);
        continue;
      }
      let free = lanes.findIndex((id, i) => id === null && i > lane);
      if (free === -1) free = lanes.length;
      lanes[free] = parent;
      fromState[free] = commit.state;
      opens.push(free);
    }

    rows.push({
      commitId: commit.commitId,
      lane,
      cells: laneCells(before, lanes, lane, joins, opens),
      unreachableTip: tip && commit.state !== 'reachable',
      divergence,
    });

    while (lanes.length > 0 && lanes[lanes.length - 1] === null) {
      lanes.pop();
      fromState.pop();
    }
  });
  return rows;
}

/** One row's cells: lanes waiting before or after it run vertically, joins and merges horizontally to the commit's lane. */
function laneCells(
  before: ReadonlyArray<string | null>,
  after: ReadonlyArray<string | null>,
  lane: number,
  joins: readonly number[],
  opens: readonly number[],
): LaneCell[] {
  let low = lane;
  let high = lane;
  for (const other of [...joins, ...opens]) {
    low = Math.min(low, other);
    high = Math.max(high, other);
  }
  const cells: LaneCell[] = [];
  for (let i = 0; i < Math.max(before.length, after.length, high + 1); i++) {
    cells.push(
      cell((before[i] ?? null) !== null, (after[i] ?? null) !== null, i > low && i <= high, i >= low && i < high),
    );
  }
  while (cells.length > lane + 1 && cells[cells.length - 1] === EMPTY) cells.pop();
  return cells;
}
