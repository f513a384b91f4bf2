/** What `why` found about a commit or an object, in the operator's words. */
import { phaseOfSet } from '../gc/phases/catalog.js';
import type { WhyAnswer, WhyHolder, WhyPath } from '../gc/why.js';
import { repoName } from '../gc/types.js';
import { phaseTitle } from './run.js';
import { formatAgo, formatBytes, formatGrace, shortId } from './units.js';
import { counted } from './words.js';

/**
 * What `why` found, in the operator's words: a headline (`commit 3b8e1aa… of a/b: live`) and the
 * line that says why, with the path that keeps it: `branch main → 3 parents down`, `release v1.0`,
 * `held by keystrio/blue-in-green`, `pushed 20m ago, inside the grace period (1h)`.
 */
export function describeWhy(why: WhyAnswer, now: number): string[] {
  const grace = `inside the grace period (${formatGrace(why.graceSeconds)})`;
  const phase = why.phase ? `phase ${phaseTitle(why.phase)}` : '';
  const fate =
    why.fate === 'live'
      ? 'live, nothing deletes it'
      : why.fate === 'kept'
        ? `not live, kept: ${phase} leaves it`
        : why.fate === 'deleted'
          ? `GC deletes it in ${phase}`
          : 'not in this repo';
  return [`${why.kind} ${why.id} of ${repoName(why.repo)}: ${fate}`, whyReason(why, grace, now)];
}

/** The second line of describeWhy: the path that keeps it, or why it stays, goes, or is not the repo's. */
function whyReason(why: WhyAnswer, grace: string, now: number): string {
  const path = (route: WhyPath) => {
    const { root } = route;
    if (root.kind === 'recent' && route.commits.length === 1 && why.kind === 'commit') {
      return `its ref, pushed ${formatAgo(root.pushedAt!, now)}, ${grace}`;
    }
    const start =
      root.kind === 'recent'
        ? `commit ${shortId(root.commitId)} pushed ${formatAgo(root.pushedAt!, now)}, ${grace}`
        : `${root.kind === 'tag' ? 'wire tag' : root.kind} ${root.name}`;
    const down = route.commits.length - 1;
    return down === 0 ? start : `${start} → ${counted(down, 'parent')} down`;
  };
  const refPhase = phaseTitle(phaseOfSet(why.kind === 'commit' ? 'commitRefs' : 'objectRefs'));
  const refGoes = why.ref?.deleted ? `; this repo's ref goes in phase ${refPhase}` : '';
  if (why.fate === 'not-in-repo') {
    const held = why.holders.length > 0 ? `${describeHolders(why.holders)} hold it` : 'no repo holds it';
    return `the repo holds no ref to it and reaches it from no root; ${held}`;
  }
  if (why.reason === 'refused') return `phase ${phaseTitle(why.phase!)} refuses: ${why.refusal}`;
  if (why.file) {
    const { file } = why;
    const of = file.release ? `release ${file.release}` : `commit ${shortId(file.commitId!)}`;
    const via = why.path ? `, via ${path(why.path)}` : '';
    return `at ${file.path} in snapshot ${shortId(file.snapshotId)} of ${of}${via}`;
  }
  if (why.path) {
    const borrowed = why.borrowed ? ' (the repo holds no ref row for it: `musehub-gc check` reports it)' : '';
    return `via ${path(why.path)}${borrowed}`;
  }
  if (why.fate === 'deleted') {
    const what =
      why.kind === 'commit'
        ? 'no branch, release or wire tag of the repo reaches it'
        : `no live snapshot of the repo names it (it frees ${formatBytes(why.object!.bytes)})`;
    const ref = why.ref ? refGoes : "; this repo's ref went in an earlier run that stopped";
    return `${what}, and no other repo holds it${ref}`;
  }
  if (why.reason === 'grace') {
    return why.ref && !why.ref.deleted
      ? `its ref was pushed ${formatAgo(why.ref.createdAt, now)}, ${grace}`
      : `stored ${formatAgo(why.object!.storedAt, now)}, ${grace}${refGoes}`;
  }
  const holders = describeHolders(why.holders.filter((holder) => why.reason !== 'other-repo' || holder.via === 'ref'));
  return `${why.reason === 'pinned' ? 'pinned by' : 'held by'} ${holders}${refGoes}`;
}

/** Other repos holding something: `keystrio/blue-in-green`, `release v1.0 of a/b`; three, and how many more. */
function describeHolders(holders: readonly WhyHolder[]): string {
  const named = holders.map((holder) =>
    holder.via === 'ref'
      ? holder.repo
      : `${holder.via === 'tag' ? 'wire tag' : holder.via} ${holder.name} of ${holder.repo}`,
  );
  const unique = [...new Set(named)];
  return unique.slice(0, 3).join(', ') + (unique.length > 3 ? ` and ${unique.length - 3} more` : '');
}
