import { describe, expect, it } from 'vitest';
import { layoutGraph, type LayoutCommit } from '../../src/ui/screens/graph/graph-layout.js';
import { drawLanes } from '../../src/ui/screens/graph/graph-lanes.js';

/** `id < parent parent`, newest first; ids starting with x are orphaned, with k kept. */
function dag(spec: string): LayoutCommit[] {
  return spec
    .trim()
    .split('\n')
    .map((line) => {
      const [head = '', parents = ''] = line.split('<').map((part) => part.trim());
      const state = head.startsWith('x') ? 'orphaned' : head.startsWith('k') ? 'kept' : 'reachable';
      return { commitId: head, parentIds: parents ? parents.split(/\s+/) : [], state };
    });
}

/** The layout as the console draws it: lanes, the id, and the marks. */
function draw(commits: LayoutCommit[], from = 0, to = commits.length): string {
  return layoutGraph(commits)
    .slice(from, to)
    .map((row, index) =>
      `${drawLanes(row, commits[from + index]!.state).padEnd(9)} ${row.commitId}${row.unreachableTip ? ' (tip)' : ''}${row.divergence ? ' (diverged)' : ''}`.trimEnd(),
    )
    .join('\n');
}

describe('graph layout', () => {
  it('joins a merge and the fork it came from', () => {
    expect(
      draw(
        dag(`
      m < e b
      b < a
      e < d
      d < a
      a <`),
      ),
    ).toBe(['●─╮       m', '│ ●       b', '● │       e', '● │       d', '●─╯       a'].join('\n'));
  });

  it('says per row which lane the commit takes and where each lane runs, drawing nothing', () => {
    const [merge, side] = layoutGraph(
      dag(`
      m < e b
      b < a
      e < a
      a <`),
    );
    const cell = (directions: string) => ({
      up: directions.includes('u'),
      down: directions.includes('d'),
      left: directions.includes('l'),
      right: directions.includes('r'),
    });
    expect(merge).toEqual({
      commitId: 'm',
      lane: 0,
      cells: [cell('dr'), cell('dl')],
      unreachableTip: false,
      divergence: false,
    });
    expect(side).toEqual({
      commitId: 'b',
      lane: 1,
      cells: [cell('ud'), cell('ud')],
      unreachableTip: false,
      divergence: false,
    });
  });

  it('shows an orphaned chain branching off where a force push left the live history', () => {
    expect(
      draw(
        dag(`
      c < b
      x3 < x2
      x2 < k1
      b < a
      k1 < a
      a < root
      root <`),
      ),
    ).toBe(
      [
        '●         c',
        '│ ✗       x3 (tip)',
        '│ ✗       x2',
        '● │       b',
        '│ ○       k1',
        '●─╯       a (diverged)',
        '●         root',
      ].join('\n'),
    );
  });

  it('draws a wide fan-out of branches off one commit', () => {
    expect(
      draw(
        dag(`
      f1 < base
      f2 < base
      f3 < base
      f4 < base
      base <`),
      ),
    ).toBe(['●         f1', '│ ●       f2', '│ │ ●     f3', '│ │ │ ●   f4', '●─┴─┴─╯   base'].join('\n'));
  });

  it('crosses a lane when a merge reaches past it, and ends paths at parents outside the history', () => {
    expect(
      draw(
        dag(`
      m2 < m1 c
      m1 < a b
      c < a
      b < a
      a < shallow`),
      ),
    ).toBe(['●─╮       m2', '●─┼─╮     m1', '│ ● │     c', '│ │ ●     b', '●─┴─╯     a'].join('\n'));
  });

  it('lays out a long history once and shows its middle as any other window', () => {
    const count = 100_000;
    const commits: LayoutCommit[] = Array.from({ length: count }, (_, i) => ({
      commitId: `c${i}`,
      // Every thousandth commit is a merge of a one-commit side branch.
      parentIds: i % 1000 === 0 ? [`c${i + 2}`, `c${i + 1}`] : i + 1 < count ? [`c${i + 1}`] : [],
      state: 'reachable',
    }));
    expect(draw(commits, 49_999, 50_004)).toBe(
      ['●         c49999', '●─╮       c50000', '│ ●       c50001', '●─╯       c50002', '●         c50003'].join('\n'),
    );
  });

  it('treats a parent listed before its child (not topological) as the end of the path', () => {
    expect(
      draw(
        dag(`
      a <
      b < a`),
      ),
    ).toBe(['●         a', '●         b'].join('\n'));
  });
});
