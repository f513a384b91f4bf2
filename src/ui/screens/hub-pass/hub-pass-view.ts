/** How a hub pass reads (pure): its question before it starts, and each repo's line as it goes. */
import type { HubRepoResult, HubRepoStatus } from '../../../gc/hub/types.js';
import { repoName, type RepoIdentity } from '../../../gc/types.js';
import { describeRepoOutcome } from '../../../present/hub.js';
import { describeToDelete, phaseTitle } from '../../../present/run.js';
import { formatBytes } from '../../../present/units.js';
import { counted, WORDS } from '../../../present/words.js';
import type { Tone } from '../../theme.js';
import { notEstimated, totalsCaveats } from '../repos/repos-totals.js';
import type { HubPassState, PassScope, RepoRun } from './hub-pass-reducer.js';

/** What the confirmation says the pass would do, by the estimates, and what it wants typed: the hub's label. */
export function passQuestion(scope: PassScope, label: string, workers: number): { what: string[]; ask: string } {
  const { totals } = scope;
  const which = scope.repoIds
    ? `the ${counted(totals.repos, 'repo')} the filter /${scope.filter} shows`
    : `every repo (${counted(totals.repos, 'repo')})`;
  const unknown = [
    ...(notEstimated(totals) > 0 ? [`${counted(notEstimated(totals), 'repo')} not estimated yet`] : []),
    ...(totals.failed > 0 ? [`${counted(totals.failed, 'repo')} whose estimate failed`] : []),
    ...totalsCaveats(totals),
  ];
  return {
    what: [
      `Collect ${which} of ${label}, ${counted(workers, 'worker')}: each repo as \`musehub-gc run <repo> --yes\` does, every phase, with no question per phase.`,
      `By the estimates, ${WORDS.toDelete}: ${describeToDelete(totals.toDelete)}${unknown.length > 0 ? `; ${unknown.join('; ')}` : ''}.`,
    ],
    ask: `Type ${label} to start (Enter on nothing or Esc collects nothing):`,
  };
}

/** One repo's line: a glyph in its tone (a running repo's is the spinner's), and its state in words. */
export interface RepoLine {
  glyph: string;
  tone: Tone | undefined;
  text: string;
}

const ENDED: Record<HubRepoStatus, { glyph: string; tone: Tone }> = {
  done: { glyph: '✔', tone: 'done' },
  stopped: { glyph: '■', tone: 'warning' },
  failed: { glyph: '✗', tone: 'error' },
  refused: { glyph: '✗', tone: 'error' },
  claimed: { glyph: '↷', tone: 'muted' },
  collected: { glyph: '↷', tone: 'muted' },
  'not-started': { glyph: '-', tone: 'muted' },
};

function endedLine(outcome: HubRepoResult): RepoLine {
  // A run that refused a phase (a manifest that does not decode) is done, and says what it refused.
  const refused = outcome.result?.phases.some((phase) => phase.status === 'refused') ?? false;
  const { glyph, tone } =
    outcome.status === 'done' && refused ? { glyph: '!', tone: 'warning' as const } : ENDED[outcome.status];
  return { glyph, tone, text: describeRepoOutcome(outcome) };
}

function runningText(run: RepoRun): string {
  if (run.phase === null) return "running: planning under the repo's lock…";
  const freed = run.bytes > 0 ? `, ${formatBytes(run.bytes)} freed` : '';
  return `running: ${phaseTitle(run.phase)} ${run.done.toLocaleString('en-US')}/${run.total.toLocaleString('en-US')}${freed}`;
}

/** A repo's line: how it ended, what its run is doing, or that it waits its turn (or, the pass over, was not reached). */
export function repoLine(state: HubPassState, repo: RepoIdentity, spinner: string): RepoLine {
  const outcome = state.ended.get(repo.repoId);
  if (outcome) return endedLine(outcome);
  const run = state.running.get(repo.repoId);
  if (run) return { glyph: spinner, tone: 'accent', text: runningText(run) };
  if (state.result) return endedLine({ repo: repoName(repo), repo_id: repo.repoId, status: 'not-started' });
  return { glyph: '·', tone: 'muted', text: state.stopping ? 'queued: not started, the pass is stopping' : 'queued' };
}
