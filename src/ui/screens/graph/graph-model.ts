/** The graph screen's model (pure): the layout computed once, a summary, and one line per commit. */
import type { GraphCommit } from '../../../gc/service.js';
import { layoutGraph, type GraphRow } from './graph-layout.js';
import { fit } from '../../fit.js';
import { formatAgo, shortId } from '../../../present/units.js';
import { describeCommits } from '../../../present/words.js';
import { drawLanes, lanesWidth } from './graph-lanes.js';

export interface GraphModel {
  commits: readonly GraphCommit[];
  rows: readonly GraphRow[];
  /** The widest lane cells, so that ids line up. */
  cellsWidth: number;
  summary: string;
}

/** Lays out the history once; the screen then draws only its window. */
export function buildGraphModel(commits: readonly GraphCommit[]): GraphModel {
  const rows = layoutGraph(commits);
  let cellsWidth = 0;
  const counts = { reachable: 0, orphaned: 0, kept: 0 };
  const divergences: string[] = [];
  rows.forEach((row, index) => {
    cellsWidth = Math.max(cellsWidth, lanesWidth(row));
    counts[commits[index]!.state] += 1;
    if (row.divergence) divergences.push(shortId(row.commitId));
  });
  // The graph's ✗ are the commits to delete, its ○ those kept: orphaned, both (src/present/words.ts).
  const parts = [
    describeCommits({
      reachable: counts.reachable,
      orphaned: counts.orphaned + counts.kept,
      toDelete: counts.orphaned,
    }),
  ];
  if (divergences.length > 0)
    parts.push(`history diverged at ${divergences.slice(0, 3).join(', ')}${divergences.length > 3 ? '…' : ''}`);
  return { commits, rows, cellsWidth, summary: parts.join(' · ') };
}

/** `(main) [v1.0] #wire-7`: branch heads in parentheses, release and wire tags as the service writes them. */
export function formatLabels(labels: readonly string[]): string {
  return labels.map((label) => (label.startsWith('[') || label.startsWith('#') ? label : `(${label})`)).join(' ');
}

/** What a row says after its message: why a commit stays, where an abandoned chain ends or left. */
export function annotation(commit: GraphCommit, row: GraphRow): string {
  const notes: string[] = [];
  if (commit.state === 'kept') notes.push(`(kept: ${commit.keptBecause ?? 'unknown reason'})`);
  if (row.unreachableTip) notes.push('← tip of an abandoned chain');
  if (row.divergence) notes.push('← an abandoned chain left the live history here');
  return notes.join(' ');
}

/**
 * Whether a search finds commit `index`: its id by its first characters (`a91f03e` jumps to that
 * commit, as `git show` takes it), its labels, message or author anywhere.
 */
export function graphMatches(model: GraphModel, index: number, needle: string): boolean {
  const commit = model.commits[index]!;
  return (
    commit.commitId.startsWith(needle) ||
    `${formatLabels(commit.labels)} ${commit.message} ${commit.author}`.toLowerCase().includes(needle)
  );
}

export interface GraphLine {
  /** The lane cells before the commit's glyph, the glyph, and the cells after it. */
  before: string;
  glyph: string;
  after: string;
  /** Id, labels, message and notes, cut to fit. */
  text: string;
  /** Author and age, right-aligned. */
  right: string;
}

const RIGHT = 22;

/** One commit's line in `width` columns; lane cells wider than a third of the screen are cut. */
export function graphLine(model: GraphModel, index: number, width: number, now: number): GraphLine {
  const commit = model.commits[index]!;
  const row = model.rows[index]!;
  const cellsWidth = Math.min(model.cellsWidth, Math.max(8, Math.floor(width / 3)));
  const cells = fit(drawLanes(row, commit.state), cellsWidth);
  const at = row.lane * 2;
  const glyphVisible = at < cellsWidth - 1 || lanesWidth(row) <= cellsWidth;
  const labels = formatLabels(commit.labels);
  const words = [shortId(commit.commitId), labels, commit.message.split('\n')[0] ?? '', annotation(commit, row)].filter(
    Boolean,
  );
  const textWidth = Math.max(0, width - 2 - cellsWidth - 2 - RIGHT);
  return {
    before: glyphVisible ? cells.slice(0, at) : cells,
    glyph: glyphVisible ? cells.slice(at, at + 1) : '',
    after: glyphVisible ? cells.slice(at + 1) : '',
    text: ` ${fit(words.join(' '), textWidth)}`,
    right: `${fit(commit.author, 12)} ${fit(formatAgo(commit.timestamp, now), 9, 'right')}`,
  };
}
