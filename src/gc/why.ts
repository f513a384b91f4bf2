/**
 * "Why is this alive?": what GC does with one commit or object of a repo, and why. The answer
 * is read off the same derivation the plan makes (derivePlan: the walk's levels, the sets each
 * phase deletes, its refusals), so it never disagrees with the plan; what it adds is the path
 * that keeps the thing, a breadth-first search from the roots the walk started at, so the
 * path is a shortest one.
 */
import type { Database } from '../db/connect.js';
import { UsageError } from '../errors.js';
import { readCopy } from '../db/copy-rows.js';
import { BRANCH, GRACE, PINNED, type LiveSet } from './live-set.js';
import { readManifest } from './manifest.js';
import type { IdList } from './packed-ids.js';
import { derivePlan } from './plan.js';
import { Session } from './session.js';
import { repoName, type PhaseName, type Plan, type RepoIdentity } from './types.js';

/** What GC does with it: nothing (live), nothing though it is not live (kept), delete it, or it is not the repo's. */
export type WhyFate = 'live' | 'kept' | 'deleted' | 'not-in-repo';

/** Why a thing that is not live stays. */
export type WhyReason =
  | 'grace' // a ref (or, for an object, its row) younger than the cutoff, or reached only from one
  | 'other-repo' // another repo holds a ref to it
  | 'pinned' // a branch, release or wire tag of another repo points at it
  | 'refused'; // the phase that would delete it refuses: liveness cannot be proven

/** Where a path that keeps a commit starts: a root of the repo, or a ref of it younger than the cutoff. */
export interface WhyRoot {
  kind: 'branch' | 'release' | 'tag' | 'recent';
  /** The branch, release or wire tag name; for `recent`, the commit id. */
  name: string;
  commitId: string;
  /** When the repo's ref to the commit was created (`recent` only), ISO 8601. */
  pushedAt?: string;
}

/** A shortest path from a root down the parent pointers, from the root's commit to the one asked about. */
export interface WhyPath {
  root: WhyRoot;
  commits: string[];
}

/** Another repo that holds the thing: by a ref row, or by a branch, release or wire tag pointing at it. */
export interface WhyHolder {
  repo: string;
  via: 'ref' | 'branch' | 'release' | 'tag';
  /** The branch, release or tag name (not for `ref`). */
  name?: string;
}

/** The snapshot and the file path through which a live (or recently pushed) commit or a release names an object. */
export interface WhyFile {
  snapshotId: string;
  path: string;
  /** The commit whose snapshot it is; absent when a release of the repo names the snapshot itself. */
  commitId?: string;
  /** The release naming the snapshot itself. */
  release?: string;
}

export interface WhyAnswer {
  repo: RepoIdentity;
  kind: 'commit' | 'object';
  /** The whole id the asked-for id (or prefix) resolved to. */
  id: string;
  fate: WhyFate;
  /** `deleted`: the phase that deletes it. `kept`: the phase that would delete it and does not. */
  phase?: PhaseName;
  /** Why a `kept` thing stays. */
  reason?: WhyReason;
  /** The refusal of `phase`, when `reason` is `refused`. */
  refusal?: string;
  /** The shortest path that keeps it (`live`, or kept through `grace`); for an object, to the commit in `file`. */
  path?: WhyPath;
  /** For an object kept by a snapshot: which, and at what file path. */
  file?: WhyFile;
  /** Other repos that hold it or point at it. */
  holders: WhyHolder[];
  /** The repo's own ref row: when it was created, and whether the plan deletes it (phase 1 or 3). */
  ref: { createdAt: string; deleted: boolean } | null;
  /** An object's row: its size, and when it was stored. */
  object?: { bytes: number; storedAt: string };
  /** A live commit the repo holds no ref row for (`musehub-gc check` reports those). */
  borrowed?: boolean;
  /** What the answer was derived against, as the plan's: ISO 8601 and seconds. */
  computedAt: string;
  cutoff: string;
  graceSeconds: number;
}

export interface WhyOptions {
  graceSeconds: number;
}

/** The shortest id prefix `why` resolves: fewer characters name too many things to be useful. */
export const WHY_MIN_PREFIX = 8;
/** How many matches of an ambiguous prefix are named. */
const NAMED_MATCHES = 5;

/** Says what GC does with the commit or object `idText` (a whole id or an unambiguous prefix) of `repo`, and why. */
export async function explainWhy(
  db: Database,
  repo: RepoIdentity,
  idText: string,
  options: WhyOptions,
): Promise<WhyAnswer> {
  const session = await Session.open(db);
  // As planGc does: on a server the object phases plan on a second connection while the walk runs.
  const helper = db.kind === 'server' ? await Session.open(db) : undefined;
  try {
    const target = await resolveId(session, repo, idText, db.label);
    const { plan, live } = await derivePlan(
      session,
      db.hub,
      repo,
      { graceSeconds: options.graceSeconds, itemLimit: 0 },
      undefined,
      helper,
    );
    const { computedAt, cutoff, graceSeconds } = plan;
    const base = { repo, id: target.id, computedAt, cutoff, graceSeconds };
    const ctx: WhyContext = { session, repo, plan, live };
    return target.kind === 'commit'
      ? { ...base, kind: 'commit', ...(await commitFate(ctx, target.id)) }
      : { ...base, kind: 'object', ...(await objectFate(ctx, target.id)) };
  } finally {
    await helper?.close();
    await session.close();
  }
}

interface WhyContext {
  session: Session;
  repo: RepoIdentity;
  plan: Plan;
  live: LiveSet;
}

type Fate = Omit<WhyAnswer, 'repo' | 'kind' | 'id' | 'computedAt' | 'cutoff' | 'graceSeconds'>;

async function commitFate(ctx: WhyContext, id: string): Promise<Fate> {
  const { session, repo, plan, live } = ctx;
  const { graph } = live;
  const node = graph.ids.indexOf(id);
  const level = node < 0 ? 0 : graph.level(node);
  const refRow = await session.rows<{ created_at: Date }>(
    'select created_at from musehub_commit_refs where repo_id = ? and commit_id = ?',
    [repo.repoId, id],
  );
  const refDeleted = listHas(plan.sets.commitRefs, id);
  const ref = refRow[0] ? { createdAt: iso(refRow[0].created_at), deleted: refDeleted } : null;
  if (level === BRANCH || level === PINNED) {
    return {
      fate: 'live',
      path: await pathTo(ctx, level, (reached) => reached === node),
      holders: [],
      ref,
      ...(ref ? {} : { borrowed: true }),
    };
  }
  if (level === GRACE) {
    const path = await pathTo(ctx, GRACE, (reached) => reached === node);
    return { fate: 'kept', phase: 'commits', reason: 'grace', path, holders: [], ref };
  }
  const holders = await commitHolders(session, repo, id);
  if (!ref) return { fate: 'not-in-repo', holders, ref };
  const refused = refusalIn(plan, 'commits');
  if (refused) return { fate: 'kept', phase: 'commits', reason: 'refused', refusal: refused, holders, ref };
  if (listHas(plan.sets.commits, id)) return { fate: 'deleted', phase: 'commits', holders, ref };
  const held = holders.some((holder) => holder.via === 'ref');
  return { fate: 'kept', phase: 'commits', reason: held ? 'other-repo' : 'pinned', holders, ref };
}

async function objectFate(ctx: WhyContext, id: string): Promise<Fate> {
  const { session, repo, plan, live } = ctx;
  const [row] = await session.rows<{ bytes: number; stored_at: Date; ref_at: Date | null }>(
    `
    select o.size_bytes::float8 as bytes, o.created_at as stored_at, r.created_at as ref_at
    from musehub_objects o left join musehub_object_refs r on r.object_id = o.object_id and r.repo_id = ?
    where o.object_id = ?`,
    [repo.repoId, id],
  );
  const object = { bytes: row!.bytes, storedAt: iso(row!.stored_at) };
  const ref = row!.ref_at ? { createdAt: iso(row!.ref_at), deleted: listHas(plan.sets.objectRefs, id) } : null;
  const holders = await objectHolders(session, repo, id);
  if (live.objects.has(id)) {
    const kept = await fileOf(ctx, id);
    const viaGrace = kept?.level === GRACE;
    const fate: Pick<Fate, 'fate' | 'phase' | 'reason'> = viaGrace
      ? { fate: 'kept', phase: 'refs', reason: 'grace' }
      : { fate: 'live' };
    return { ...fate, path: kept?.path, file: kept?.file, holders, ref, object };
  }
  const refusal = refusalIn(plan, 'refs');
  if (ref && refusal) return { fate: 'kept', phase: 'refs', reason: 'refused', refusal, holders, ref, object };
  if (listHas(plan.sets.objects, id)) return { fate: 'deleted', phase: 'objects', holders, ref, object };
  if (!ref) return { fate: 'not-in-repo', holders, ref, object };
  if (!ref.deleted) return { fate: 'kept', phase: 'refs', reason: 'grace', holders, ref, object };
  const objectsRefusal = refusalIn(plan, 'objects');
  if (objectsRefusal) {
    return { fate: 'kept', phase: 'objects', reason: 'refused', refusal: objectsRefusal, holders, ref, object };
  }
  return { fate: 'kept', phase: 'objects', reason: holders.length > 0 ? 'other-repo' : 'grace', holders, ref, object };
}

/** Which commit or object `text` names: a whole id or a prefix of at least WHY_MIN_PREFIX hex characters. */
async function resolveId(
  session: Session,
  repo: RepoIdentity,
  text: string,
  hubLabel: string,
): Promise<{ kind: 'commit' | 'object'; id: string }> {
  const given = text.trim().toLowerCase();
  const objectOnly = given.startsWith('sha256:');
  const hex = objectOnly ? given.slice('sha256:'.length) : given;
  if (!/^[0-9a-f]+$/.test(hex) || hex.length < WHY_MIN_PREFIX || hex.length > 64) {
    throw new UsageError(
      `${JSON.stringify(text)} is not a commit or object id: give the id (64 hex characters, ` +
        `an object's with sha256: before them) or its first ${WHY_MIN_PREFIX} or more`,
    );
  }
  // A whole id is looked up by its primary key; a prefix is a scan (no index serves LIKE under every collation).
  const whole = hex.length === 64;
  const matching = (column: string) => (whole ? `${column} = ?` : `${column} like ?`);
  const bound = (prefix: string) => (whole ? prefix + hex : `${prefix}${hex}%`);
  const commits = `(select 'commit' as kind, commit_id as id,
      exists (select 1 from musehub_commit_refs r where r.commit_id = c.commit_id and r.repo_id = ?) as ours
    from musehub_commits c where ${matching('commit_id')} limit ?) union all `;
  type Found = { kind: 'commit' | 'object'; id: string; ours: boolean };
  const found = await session.rows<Found>(
    `${objectOnly ? '' : commits}
    (select 'object' as kind, object_id as id,
            exists (select 1 from musehub_object_refs r where r.object_id = o.object_id and r.repo_id = ?) as ours
     from musehub_objects o where ${matching('object_id')} limit ?)`,
    [
      ...(objectOnly ? [] : [repo.repoId, bound(''), NAMED_MATCHES + 1]),
      repo.repoId,
      bound('sha256:'),
      NAMED_MATCHES + 1,
    ],
  );
  if (found.length === 0) {
    // Snapshot ids look like commit ids: one pasted from a commit's details deserves to be told apart.
    const snapshot = objectOnly
      ? undefined
      : (
          await session.rows<{ id: string }>(
            `select snapshot_id as id from musehub_snapshots where ${matching('snapshot_id')} limit 1`,
            [bound('')],
          )
        )[0];
    throw new UsageError(
      snapshot
        ? `${given} is snapshot ${snapshot.id}: ask about a commit that uses it, or an object it names`
        : `no commit or object ${whole ? 'is' : 'starts with'} ${given} in ${hubLabel} ` +
            `(\`musehub-gc plan ${repoName(repo)}\` lists what it would delete)`,
    );
  }
  // A prefix several things share names the one this repo holds, when only one of them is the repo's.
  const ours = found.filter((entry) => entry.ours);
  const chosen = found.length === 1 ? found : ours.length === 1 ? ours : found;
  if (chosen.length > 1) {
    const named = found
      .slice(0, NAMED_MATCHES)
      .map((entry) => `${entry.kind} ${entry.id}`)
      .join(', ');
    const more = found.length > NAMED_MATCHES ? ' and more' : '';
    throw new UsageError(`${given} is ambiguous: ${named}${more}; give more of the id`);
  }
  return chosen[0]!;
}

/** Other repos that hold `id`'s commit: by a ref row, or a branch, release or wire tag pointing at it. */
async function commitHolders(session: Session, repo: RepoIdentity, id: string): Promise<WhyHolder[]> {
  const rows = await session.rows<{ repo: string; via: WhyHolder['via']; name: string | null }>(
    `
    select r.owner || '/' || r.slug as repo, x.via, x.name from (
      select repo_id, 'ref' as via, null as name from musehub_commit_refs where commit_id = ?
      union all select repo_id, 'branch', name from musehub_branches where head_commit_id = ?
      union all select repo_id, 'release', tag from musehub_releases where commit_id = ?
      union all select repo_id, 'tag', tag from musehub_wire_tags where commit_id = ?
    ) x join musehub_repos r on r.repo_id = x.repo_id
    where x.repo_id <> ? order by x.via = 'ref' desc, 1, 3`,
    [id, id, id, id, repo.repoId],
  );
  return rows.map((row) => (row.name === null ? { repo: row.repo, via: row.via } : { ...row, name: row.name }));
}

/** Other repos that hold a ref to the object. */
async function objectHolders(session: Session, repo: RepoIdentity, id: string): Promise<WhyHolder[]> {
  const rows = await session.rows<{ repo: string }>(
    `
    select r.owner || '/' || r.slug as repo from musehub_object_refs x join musehub_repos r on r.repo_id = x.repo_id
    where x.object_id = ? and x.repo_id <> ? order by 1`,
    [id, repo.repoId],
  );
  return rows.map((row) => ({ repo: row.repo, via: 'ref' }));
}

/**
 * The snapshot, path and commit through which the live set names `objectId`, nearest a root: the
 * branches first, then the releases (a release's own snapshot, or its commit's) and wire tags,
 * then the refs younger than the cutoff, as the walk ranks them.
 */
async function fileOf(
  ctx: WhyContext,
  objectId: string,
): Promise<{ level: number; path?: WhyPath; file: WhyFile } | undefined> {
  const { session, repo, live } = ctx;
  const { graph } = live;
  const naming = await snapshotsNaming(session, live.liveSnapshots, objectId);
  const marked = new Uint8Array(graph.snapshots.size);
  for (const snapshot of naming) {
    const number = graph.snapshots.indexOf(snapshot);
    if (number >= 0) marked[number] = 1;
  }
  const releases =
    naming.length === 0
      ? []
      : await session.rows<{ tag: string; snapshot_id: string }>(
          'select tag, snapshot_id from musehub_releases where repo_id = ? and snapshot_id = any(?) order by tag',
          [repo.repoId, naming],
        );
  const filePath = async (snapshotId: string) => {
    const { manifest_blob: blob } = await session.one<{ manifest_blob: Uint8Array }>(
      'select manifest_blob from musehub_snapshots where snapshot_id = ?',
      [snapshotId],
    );
    const reading = readManifest(blob);
    return reading.ok ? reading.entries.find(([, id]) => id === objectId)?.[0] : undefined;
  };
  for (const level of [BRANCH, PINNED, GRACE]) {
    for (;;) {
      const path = await pathTo(ctx, level, (node) => {
        const snapshot = graph.snapshotNumber(node);
        return snapshot >= 0 && marked[snapshot] === 1;
      });
      if (!path) break;
      const commitId = path.commits.at(-1)!;
      const snapshotId = graph.snapshots.idOf(graph.snapshotNumber(graph.ids.indexOf(commitId)));
      const at = await filePath(snapshotId);
      if (at !== undefined) return { level, path, file: { snapshotId, path: at, commitId } };
      // The id's text was in the manifest, but not as a value: that snapshot does not name the object.
      marked[graph.snapshots.indexOf(snapshotId)] = 0;
    }
    if (level !== PINNED) continue;
    for (const release of releases) {
      const at = await filePath(release.snapshot_id);
      if (at !== undefined) return { level, file: { snapshotId: release.snapshot_id, path: at, release: release.tag } };
    }
  }
  return undefined;
}

/** The live snapshots whose manifests hold the object id's text (a prefilter inside PostgreSQL; the caller decodes). */
async function snapshotsNaming(session: Session, snapshots: IdList, objectId: string): Promise<string[]> {
  if (snapshots.size === 0) return [];
  const listed = await session.idRelation(snapshots);
  const naming: string[] = [];
  await readCopy(
    session.copyOut(
      `
      select l.id from ${listed} l join musehub_snapshots s on s.snapshot_id = l.id
      where position(convert_to(?, 'UTF8') in s.manifest_blob) > 0`,
      [objectId],
    ),
    (row) => {
      naming.push(row.text(0)!);
    },
  );
  return naming;
}

/**
 * A shortest path from the roots the walk reached `level` from to the first node `wanted` accepts,
 * breadth first over the parent pointers; undefined when none is reached that way.
 */
async function pathTo(ctx: WhyContext, level: number, wanted: (node: number) => boolean): Promise<WhyPath | undefined> {
  const { graph } = ctx.live;
  const roots = await rootsOf(ctx, level);
  const from = new Int32Array(graph.size).fill(-2);
  const queue: number[] = [];
  const rootOf = new Map<number, WhyRoot>();
  for (const root of roots) {
    const node = graph.ids.indexOf(root.commitId);
    if (node < 0 || from[node] !== -2) continue;
    from[node] = -1;
    rootOf.set(node, root);
    queue.push(node);
  }
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    if (wanted(node)) {
      const nodes = trace(from, node);
      return { root: rootOf.get(nodes[0]!)!, commits: nodes.map((at) => graph.ids.idOf(at)) };
    }
    for (const parent of graph.parentsOf(node)) {
      if (from[parent] !== -2 || !graph.hasRow(parent)) continue;
      from[parent] = node;
      queue.push(parent);
    }
  }
  return undefined;
}

/** The nodes from the root down to `node`. */
function trace(from: Int32Array, node: number): number[] {
  const nodes = [node];
  for (let at = from[node]!; at >= 0; at = from[at]!) nodes.push(at);
  return nodes.reverse();
}

/** The roots a walk level started from: branches; releases and wire tags; the repo's refs younger than the cutoff. */
async function rootsOf(ctx: WhyContext, level: number): Promise<WhyRoot[]> {
  const { session, repo, plan, live } = ctx;
  if (level === BRANCH) return live.roots.filter((root) => root.kind === 'branch');
  if (level === PINNED) return live.roots.filter((root) => root.kind !== 'branch');
  const recent = await session.rows<{ commit_id: string; created_at: Date }>(
    `
    select commit_id, created_at from musehub_commit_refs where repo_id = ? and created_at > ?
    order by created_at desc, commit_id`,
    [repo.repoId, plan.cutoff],
  );
  return recent.map((row) => ({
    kind: 'recent',
    name: row.commit_id,
    commitId: row.commit_id,
    pushedAt: iso(row.created_at),
  }));
}

function refusalIn(plan: Plan, phase: PhaseName): string | undefined {
  return plan.phases.find((planned) => planned.phase === phase)?.refused;
}

function listHas(list: IdList, id: string): boolean {
  for (const listed of list) if (listed === id) return true;
  return false;
}

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}
