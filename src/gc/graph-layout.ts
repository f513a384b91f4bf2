/**
 * The commit DAG in lanes, like `git log --graph` but one line per commit (as lazygit
 * draws it): a pure function, computed once in O(commits x lanes), so that the console
 * draws only the window it shows.
 */
import type { CommitState } from './service.js';

/** What the layout needs of a commit; rows come newest first in topological order. */
export interface LayoutCommit {
  commitId: string;
  parentIds: readonly string[];
  state: CommitState;
}

/** One drawn row: the lane cells as text, and where the commit sits in them. */
export interface GraphRow {
  commitId: string;
  /** The lane of the commit's glyph. */
  lane: number;
  /** The lane cells: two characters a lane, trailing blanks trimmed. */
  cells: string;
  /** An unreachable commit that no later commit builds on: where an abandoned chain ends. */
  unreachableTip: boolean;
  /** A live commit where an unreachable chain left the live history (a force push diverged here). */
  divergence: boolean;
}

/** The glyph of each state: told apart without colour. */
export const STATE_GLYPHS: Record<CommitState, string> = {
  reachable: '●',
  orphaned: '✗',
  kept: '○',
};

/** Box characters by the directions a cell connects to: up, down, left, right. */
const BOX: Record<string, string> = {
  ud: '│', u: '│', d: '│',
  lr: '─', l: '─', r: '─',
  udlr: '┼', ulr: '┴', dlr: '┬',
  udl: '┤', ul: '╯', dl: '╮',
  udr: '├', ur: '╰', dr: '╭',
};

function boxChar(up: boolean, down: boolean, left: boolean, right: boolean): string {
  return BOX[`${up ? 'u' : ''}${down ? 'd' : ''}${left ? 'l' : ''}${right ? 'r' : ''}`] ?? ' ';
}

/** Lays out the commits in lanes; parents absent from `commits` end their path (shallow history). */
export function layoutGraph(commits: readonly LayoutCommit[]): GraphRow[] {
  const position = new Map<string, number>();
  commits.forEach((commit, index) => position.set(commit.commitId, index));

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
    const divergence =
      commit.state === 'reachable' && waiting.some((i) => fromState[i] !== 'reachable');
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
      cells: drawCells(before, lanes, lane, joins, opens, STATE_GLYPHS[commit.state]),
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

/** Draws one row: the glyph at `lane`, verticals for waiting lanes, joins and merges as horizontals. */
function drawCells(
  before: ReadonlyArray<string | null>,
  after: ReadonlyArray<string | null>,
  lane: number,
  joins: readonly number[],
  opens: readonly number[],
  glyph: string,
): string {
  let low = lane;
  let high = lane;
  for (const other of [...joins, ...opens]) {
    low = Math.min(low, other);
    high = Math.max(high, other);
  }
  const width = Math.max(before.length, after.length, high + 1);
  let text = '';
  for (let i = 0; i < width; i++) {
    if (i === lane) {
      text += glyph;
    } else {
      const up = (before[i] ?? null) !== null;
      const down = (after[i] ?? null) !== null;
      const left = i > low && i <= high;
      const right = i >= low && i < high;
      text += boxChar(up, down, left, right);
    }
    text += i >= low && i < high ? '─' : ' ';
  }
  return text.trimEnd();
}
