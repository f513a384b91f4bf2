/** What a check found, in the operator's words: each kind of problem, what it means for GC, and a whole check. */
import type { CheckRecord, CheckReport, ProblemKind } from '../gc/check/types.js';
import { formatDuration } from './units.js';
import { counted } from './words.js';

/** A kind of problem a check found, counted: `2 live commits without the repo's ref row`. */
export function describeProblem(kind: ProblemKind, count: number): string {
  switch (kind) {
    case 'root-without-commit':
      return `${counted(count, 'branch head, release or wire tag', 'branch heads, releases and wire tags')} naming a commit with no row`;
    case 'snapshot-without-row':
      return `${counted(count, 'commit or release', 'commits and releases')} naming a snapshot with no row`;
    case 'manifest-unreadable':
      return `${counted(count, 'live snapshot')} whose manifest cannot be read: which objects are live cannot be proven`;
    case 'object-without-row':
      return `${counted(count, 'object')} named by live manifests, with no row`;
    case 'object-without-ref':
      return `${counted(count, 'object')} named by live manifests that the repo holds no ref to`;
    case 'commit-without-ref':
      return `${counted(count, 'live commit')} without the repo's ref row: other repos' GC cannot see that it needs them`;
    case 'parents-malformed':
      return `${counted(count, 'live commit')} whose parent_ids is not a JSON array of commit ids`;
    case 'cache-blob-missing':
      return `${counted(count, 'fetch-pack cache row')} whose mpack blob is missing from the store`;
    case 'object-blob-missing':
      return `${counted(count, 'object')} the repo refs whose blob is missing from the store`;
  }
}

/** What a kind of problem means for GC, and what to do about it, in one sentence. */
export function adviseProblem(kind: ProblemKind): string {
  switch (kind) {
    case 'root-without-commit':
      return 'The repo cannot be fetched at these names, and GC reads the history as ending there: push the commit again from a clone that has it, or move the branch or delete the tag.';
    case 'snapshot-without-row':
      return 'Those commits cannot be checked out, and while a live one lacks its snapshot GC refuses phases 3 and 4: push the snapshot again from a clone that has it.';
    case 'manifest-unreadable':
      return 'GC refuses phases 3 and 4 for this repo (an unreadable manifest is never read as empty): restore the snapshot from a backup or a clone; phases 1, 2 and 5 can still run.';
    case 'object-without-row':
      return 'Those files cannot be fetched, and no GC can bring them back: push them again from a clone that has them.';
    case 'object-without-ref':
      return "Another repo's GC may delete them once it drops its own refs to them: add this repo's object refs (a MuseHub repair) before GC runs on the repos that hold them.";
    case 'commit-without-ref':
      return "Another repo's GC may delete them from under this one once it drops its own refs: add this repo's commit refs (a MuseHub repair) before GC runs on its forks or upstream.";
    case 'parents-malformed':
      return 'Their ancestors cannot be proven live, so GC refuses phases 1 to 4 for this repo: make parent_ids a JSON array of full, lowercase commit ids.';
    case 'cache-blob-missing':
      return 'A fetch served from those rows fails; nothing else depends on them: phase 5 collects them once they expire, or delete the rows and MuseHub builds the packs again.';
    case 'object-blob-missing':
      return 'Those files cannot be fetched, and no GC can bring them back: upload the blobs again from a clone or a backup.';
  }
}

/** What a check found, in a word or a count: `clean`, `3 problems`. */
export function describeCheckOutcome(check: Pick<CheckRecord, 'problems'>): string {
  const total = Object.values(check.problems).reduce((sum, count) => sum + (count ?? 0), 0);
  return total === 0 ? 'clean' : counted(total, 'problem');
}

/** How a check of several repos went: `checked 12 repos of <hub> in 1.2 s: 10 clean, 2 with problems`. */
export function describeCheckReport(report: CheckReport, label: string): string {
  const unclean = report.repos.filter((result) => !result.clean).length;
  const seconds = report.repos.reduce((sum, result) => sum + result.seconds, 0);
  return (
    `checked ${counted(report.repos.length, 'repo')} of ${label}${report.blobs ? ', blobs included,' : ''} ` +
    `in ${formatDuration(seconds)}: ${report.repos.length - unclean} clean, ${unclean} with problems`
  );
}
