/**
 * The problems a repo's rows show, found set-based in PostgreSQL against what liveness
 * derived: pointers to commits that are not there, snapshots that are not there, live
 * objects without a row or without the repo's ref, live commits without the repo's ref,
 * and what liveness could not read (parents, manifests).
 */
import type { LiveSet } from '../live-set.js';
import { IdList } from '../packed-ids.js';
import type { Session } from '../session.js';
import type { RepoIdentity } from '../types.js';
import { PROBLEM_KINDS, type CheckProblem, type ProblemExample, type ProblemKind } from './types.js';

/** Examples listed per kind; the rest are counted. */
export const EXAMPLES = 5;
/** Ids per lookup of what liveness could not read. */
const LOOKUP_CHUNK = 10_000;

/** Every row problem of the repo, in PROBLEM_KINDS order. */
export async function rowProblems(session: Session, repo: RepoIdentity, live: LiveSet): Promise<CheckProblem[]> {
  const unreferenced = liveWithoutRef(live);
  const borrowed = unreferenced.size === 0 ? undefined : await session.idRelation(unreferenced);
  const objects = live.objects.size === 0 ? undefined : await session.idRelation(live.objects.toList());
  const repoId = repo.repoId;
  const found = await problemsOf(
    session,
    `
    select 'root-without-commit' as kind, 'branch ' || b.name as id, b.head_commit_id as detail from musehub_branches b
      where b.repo_id = ? and b.head_commit_id is not null
        and not exists (select 1 from musehub_commits c where c.commit_id = b.head_commit_id)
    union all
    select 'root-without-commit', 'release ' || r.tag, r.commit_id from musehub_releases r
      where r.repo_id = ? and r.commit_id is not null
        and not exists (select 1 from musehub_commits c where c.commit_id = r.commit_id)
    union all
    select 'root-without-commit', 'wire tag ' || t.tag, t.commit_id from musehub_wire_tags t
      where t.repo_id = ? and not exists (select 1 from musehub_commits c where c.commit_id = t.commit_id)
    union all
    select 'snapshot-without-row', c.commit_id, c.snapshot_id
      from (select commit_id from musehub_commit_refs where repo_id = ?
            ${borrowed ? `union select b.id from ${borrowed} b` : ''}) k
      join musehub_commits c on c.commit_id = k.commit_id
      where c.snapshot_id is not null and not exists (select 1 from musehub_snapshots s where s.snapshot_id = c.snapshot_id)
    union all
    select 'snapshot-without-row', 'release ' || r.tag, r.snapshot_id from musehub_releases r
      where r.repo_id = ? and r.snapshot_id is not null
        and not exists (select 1 from musehub_snapshots s where s.snapshot_id = r.snapshot_id)
    ${
      objects
        ? `union all
    select case when o.object_id is null then 'object-without-row' else 'object-without-ref' end, l.id, ''
      from ${objects} l left join musehub_objects o on o.object_id = l.id
      where o.object_id is null
         or not exists (select 1 from musehub_object_refs x where x.repo_id = ? and x.object_id = l.id)`
        : ''
    }`,
    [repoId, repoId, repoId, repoId, repoId, ...(objects ? [repoId] : [])],
  );
  // A live snapshot with no row is already a snapshot without a row; the rest could not be read.
  const unreadable = await withRows(
    session,
    live.manifestProblems.map((problem) => problem.id),
  );
  found.push(
    counted(
      'manifest-unreadable',
      live.manifestProblems
        .filter((problem) => unreadable.has(problem.id))
        .map(({ id, problem }) => ({ id, detail: problem })),
    ),
    {
      kind: 'commit-without-ref',
      count: unreferenced.size,
      examples: unreferenced.first(EXAMPLES).map((id) => ({ id, detail: '' })),
    },
    counted(
      'parents-malformed',
      live.commitProblems.map(({ id, problem }) => ({ id, detail: problem })),
    ),
  );
  return inOrder(found);
}

/** The problems of a kind as a count and the first examples by id. */
export function counted(kind: ProblemKind, all: ProblemExample[]): CheckProblem {
  const examples = [...all].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, EXAMPLES);
  return { kind, count: all.length, examples };
}

/** Only the kinds found, in PROBLEM_KINDS order. */
export function inOrder(problems: CheckProblem[]): CheckProblem[] {
  return problems
    .filter((problem) => problem.count > 0)
    .sort((a, b) => PROBLEM_KINDS.indexOf(a.kind) - PROBLEM_KINDS.indexOf(b.kind));
}

/** Live commits of the repo that it holds no ref to: reached through another repo's commits. */
function liveWithoutRef(live: LiveSet): IdList {
  const { graph } = live;
  const ids = new IdList('hex');
  for (let node = 0; node < graph.size; node++) {
    if (graph.level(node) > 0 && graph.hasRow(node) && !graph.isOwn(node)) graph.ids.copyTo(node, ids);
  }
  return ids;
}

/** Runs `sql`, whose rows are (kind, id, detail), and returns each kind's count and first examples. */
async function problemsOf(session: Session, sql: string, bindings: readonly unknown[]): Promise<CheckProblem[]> {
  const rows = await session.rows<{ kind: ProblemKind; id: string; detail: string | null; total: number }>(
    `
    select kind, id, detail, total::int as total from (
      select p.kind, p.id, p.detail, count(*) over (partition by p.kind) as total,
             row_number() over (partition by p.kind order by p.id, p.detail) as n
      from (${sql}) p) ranked
    where n <= ? order by kind, n`,
    [...bindings, EXAMPLES],
  );
  const byKind = new Map<ProblemKind, CheckProblem>();
  for (const row of rows) {
    const problem = byKind.get(row.kind) ?? { kind: row.kind, count: row.total, examples: [] };
    problem.examples.push({ id: row.id, detail: row.detail ?? '' });
    byKind.set(row.kind, problem);
  }
  return [...byKind.values()];
}

/** The snapshot ids among `ids` that have a row. */
async function withRows(session: Session, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
    const rows = await session.rows<{ id: string }>(
      'select snapshot_id as id from musehub_snapshots where snapshot_id = any(?)',
      [ids.slice(i, i + LOOKUP_CHUNK)],
    );
    for (const row of rows) found.add(row.id);
  }
  return found;
}
