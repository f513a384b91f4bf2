/**
 * `--report FILE.md`: what a plan or a run did, as Markdown for a ticket. Who, when, which hub,
 * the grace and cutoff; per phase what was planned, deleted and kept, and why; what differed
 * from the plan; refusals, errors and bytes freed. One repo or the whole hub, in the same shape.
 * Presentation only: it takes the engine's results and says them in the words of the other modules here.
 */
import type { HubPlanRepo, HubRepoResult, HubRepoStatus, PassStart, RepoPlanSummary } from '../gc/hub/types.js';
import { PHASE_SETS, PHASES } from '../gc/phases/catalog.js';
import type { RunRecord } from '../gc/service.js';
import {
  repoName,
  type HubIdentity,
  type Kept,
  type KeptReason,
  type PhaseName,
  type RepoIdentity,
  type RunResult,
} from '../gc/types.js';
import { describeDeletes, isEmptyPhase, phaseTitle, plannedBySet, plannedBytes } from './run.js';
import { formatBytes, formatDuration, formatGrace } from './units.js';
import { counted } from './words.js';

/** Who asked for what, where: the head of every report. */
export interface ReportContext {
  who: string;
  hub: HubIdentity;
  /** The command line, as typed. */
  command: string;
  graceSeconds: number;
  /** ISO 8601. */
  startedAt: string;
  finishedAt: string;
}

/** A repo's part in a run report: how it fared, the plan its run acted on, and the warnings it gave. */
export interface ReportedRepo extends HubRepoResult {
  plan?: RepoPlanSummary;
  warnings: string[];
}

export interface ReportedRun {
  dryRun: boolean;
  /** Every repo of the run: one, or the whole hub in the pass's order. */
  repos: ReportedRepo[];
  /** The pass, for `run --all`. */
  pass?: PassStart & { outcome: 'done' | 'stopped' };
}

/** Why rows stay, after their count: `12 held by another repo`. */
const KEPT_WORDS: Record<KeptReason, string> = {
  grace: 'younger than the grace period',
  'other-repo': 'held by another repo',
  pinned: 'pointed at by a branch, release or wire tag',
  'in-use': 'still in use',
  fresh: 'not expired yet',
  'shared-blob': 'whose blob a remaining cache row names',
  live: 'live again since the plan',
  gone: 'already gone',
};

/** A column per set a phase deletes from: `Commit refs`, `Commits`, … */
const SET_HEADERS = PHASE_SETS.map((set) => set.many.charAt(0).toUpperCase() + set.many.slice(1));

export function runReport(context: ReportContext, run: ReportedRun): string {
  const { repos } = run;
  const results = repos.flatMap((repo) => (repo.result ? [repo.result] : []));
  const hub = run.pass !== undefined;
  const subject = hub ? context.hub.label : (repos[0]?.repo ?? context.hub.label);
  const freed = results.reduce((sum, result) => sum + result.storage_bytes_freed, 0);
  const errors = repos.reduce(
    (sum, repo) => sum + (repo.result?.errors.length ?? (repo.status === 'failed' ? 1 : 0)),
    0,
  );
  return document([
    `# musehub-gc ${run.dryRun ? 'dry run' : 'run'} of ${subject}`,
    facts([
      ...headFacts(
        context,
        repos.flatMap((repo) => (repo.plan ? [repo.plan] : [])),
      ),
      ...(run.pass
        ? [
            [
              'Pass',
              `\`${run.pass.pass_id}\`, counting runs since ${run.pass.since}; ${counted(run.pass.workers, 'worker')}`,
            ],
          ]
        : []),
      ['Outcome', hub ? `${run.pass!.outcome} (${statusCounts(repos)})` : (repos[0]?.status ?? 'not run')],
      [run.dryRun ? 'Bytes to free' : 'Bytes freed', formatBytes(freed)],
      ['Errors', String(errors)],
    ]),
    '## Phases',
    runPhaseTable(repos, run.dryRun),
    ...(hub ? ['## Repos', repoTable(repos, run.dryRun)] : []),
    '## Differences since the plan',
    differences(repos, hub),
    ...section(
      'Refused',
      repos.flatMap((repo) => refusals(repo.repo, repo.plan)),
    ),
    ...section(
      'Errors',
      repos.flatMap((repo) => [
        ...(repo.result?.errors ?? (repo.status === 'failed' && repo.detail ? [repo.detail] : [])).map(
          (error) => `${label(repo.repo, hub)}${error}`,
        ),
      ]),
    ),
    ...section(
      'Skipped',
      repos
        .filter((repo) => repo.status === 'claimed' || repo.status === 'collected')
        .map((repo) => `${repo.repo}: ${repo.detail}`),
    ),
    ...section('Not started', notStarted(repos)),
  ]);
}

/**
 * A past run of one repo as history recorded it (the console's history, `m` on a run): who, when,
 * per phase what it deleted, what stayed and why, what differed, and its errors. A run recorded
 * before history kept what stayed says so rather than nothing stayed.
 */
export function recordReport(run: RunRecord, repo: RepoIdentity, hub: HubIdentity): string {
  const seconds = run.finishedAt ? (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000 : null;
  const unrecorded = 'not recorded';
  const differing = run.phases.flatMap((phase) =>
    (phase.differences ?? []).map((line) => `${phaseTitle(phase.phase)}: ${line}`),
  );
  return document([
    `# musehub-gc ${run.dryRun ? 'dry run' : 'run'} of ${repoName(repo)}`,
    facts([
      ['Run', `\`${run.runId}\``],
      ['Who', run.who],
      [
        'When',
        `${run.startedAt} to ${run.finishedAt ?? 'not finished'}${seconds === null ? '' : ` (${formatDuration(seconds)})`}`,
      ],
      ['Hub', `${hub.label} (hub id \`${hub.hubId}\`)`],
      ['Grace', `${formatGrace(run.graceSeconds)}: nothing created after the cutoff is deleted`],
      ['Outcome', run.outcome],
      [run.dryRun ? 'Bytes to free' : 'Bytes freed', formatBytes(run.bytesFreed)],
      ['Errors', String(run.errors.length)],
    ]),
    '## Phases',
    table(
      ['Phase', run.dryRun ? 'Would delete' : 'Deleted', 'Kept since the plan', 'Why', 'Took', 'Status'],
      run.phases.map((phase) => [
        phaseTitle(phase.phase),
        describeDeletes(phase),
        String(phase.keptSincePlan),
        phase.kept ? describeKeptAll([phase.kept]) : unrecorded,
        formatDuration(phase.seconds),
        phase.status,
      ]),
    ),
    '## Differences from the plan',
    differing.length > 0
      ? list(differing)
      : run.phases.some((phase) => phase.differences === undefined)
        ? `${unrecorded}.`
        : 'Nothing differed.',
    ...section('Errors', run.errors),
  ]);
}

export function planReport(context: ReportContext, plan: { repos: HubPlanRepo[]; hub: boolean }): string {
  const summaries = plan.repos.flatMap((repo) => (repo.plan ? [repo.plan] : []));
  const subject = plan.hub ? context.hub.label : repoName(plan.repos[0]!.repo);
  const reclaimable = summaries.reduce((sum, summary) => sum + plannedBytes(summary.phases), 0);
  return document([
    `# musehub-gc plan of ${subject}`,
    facts([
      ...headFacts(context, summaries),
      ...(plan.hub
        ? [['Repos', `${plan.repos.length}; ${summaries.filter(hasGarbage).length} with something to delete`]]
        : []),
      ['Reclaimable', formatBytes(reclaimable)],
      ['Changes', 'none: a plan deletes nothing'],
    ]),
    '## Phases',
    planPhaseTable(summaries),
    ...(plan.hub ? ['## Repos', planRepoTable(plan.repos)] : []),
    ...section(
      'Refused',
      summaries.flatMap((summary) => refusals(repoName(summary.repo), summary)),
    ),
    ...section(
      'Findings',
      summaries.flatMap((summary) =>
        summary.findings.map(
          (finding) => `${label(repoName(summary.repo), plan.hub)}${finding.severity}: ${finding.message}`,
        ),
      ),
    ),
    ...section(
      'Could not plan',
      plan.repos.flatMap((repo) => (repo.error ? [`${repoName(repo.repo)}: ${repo.error}`] : [])),
    ),
  ]);
}

function headFacts(context: ReportContext, plans: readonly RepoPlanSummary[]): string[][] {
  const seconds = (Date.parse(context.finishedAt) - Date.parse(context.startedAt)) / 1000;
  const cutoffs = plans.map((plan) => plan.cutoff).sort();
  const cutoff =
    cutoffs.length === 0
      ? 'none: nothing was planned'
      : cutoffs[0] === cutoffs.at(-1)
        ? cutoffs[0]!
        : `from ${cutoffs[0]} to ${cutoffs.at(-1)} (each repo's plan has its own)`;
  return [
    ['Who', context.who],
    ['When', `${context.startedAt} to ${context.finishedAt} (${formatDuration(seconds)})`],
    ['Hub', `${context.hub.label} (hub id \`${context.hub.hubId}\`)`],
    ['Command', `\`${context.command}\``],
    ['Grace', `${formatGrace(context.graceSeconds)}: nothing created after the cutoff is deleted`],
    ['Cutoff', cutoff],
  ];
}

/** Per phase: planned, deleted, what the plan kept and why, what stayed since, and how the phase went. */
function runPhaseTable(repos: readonly ReportedRepo[], dryRun: boolean): string {
  const rows = PHASES.map((phase, index) => {
    const planned = repos.flatMap((repo) => (repo.plan ? [repo.plan.phases[index]!] : []));
    const done = repos.flatMap((repo) => (repo.result ? [repo.result.phases[index]!] : []));
    const statuses = tallyOf(done.map((result) => result.status));
    return [
      phaseTitle(phase),
      describeDeletes(sum(phase.name, planned)),
      describeDeletes(sum(phase.name, done)),
      describeKeptAll(planned.map((summary) => summary.kept)),
      String(done.reduce((total, result) => total + result.keptSincePlan, 0)),
      repos.length === 1 ? (done[0]?.status ?? 'not run') : statuses,
    ];
  });
  return table(
    [
      'Phase',
      'Planned',
      dryRun ? 'Would delete' : 'Deleted',
      'Kept by the plan, and why',
      'Kept since the plan',
      'Status',
    ],
    rows,
  );
}

function planPhaseTable(plans: readonly RepoPlanSummary[]): string {
  const rows = PHASES.map((phase, index) => {
    const planned = plans.map((plan) => plan.phases[index]!);
    const refused = planned.filter((summary) => summary.refused);
    return [
      phaseTitle(phase),
      describeDeletes(sum(phase.name, planned)),
      describeKeptAll(planned.map((summary) => summary.kept)),
      refused.length === 0
        ? '-'
        : plans.length === 1
          ? refused[0]!.refused!
          : `${counted(refused.length, 'repo')} (see Refused)`,
    ];
  });
  return table(['Phase', 'Would delete', 'Kept, and why', 'Refused'], rows);
}

/** The repos that did or said something, a row each, by set; those with nothing to delete are counted. */
function repoTable(repos: readonly ReportedRepo[], dryRun: boolean): string {
  const told = repos.filter(
    (repo) =>
      repo.status !== 'done' ||
      !repo.result ||
      repo.warnings.length > 0 ||
      repo.result.errors.length > 0 ||
      PHASE_SETS.some((set) => repo.result![set.tally] > 0),
  );
  const rows = told.map((repo) => [
    repo.repo,
    repo.status,
    ...PHASE_SETS.map((set) => (repo.result ? String(repo.result[set.tally]) : '-')),
    repo.result ? formatBytes(repo.result.storage_bytes_freed) : '-',
    repoNote(repo),
  ]);
  const quiet = repos.length - told.length;
  return [
    table(['Repo', 'Outcome', ...SET_HEADERS, dryRun ? 'To free' : 'Freed', 'Notes'], rows),
    ...(quiet > 0 ? [`${counted(quiet, 'other repo')} had nothing to delete.`] : []),
  ].join('\n\n');
}

function planRepoTable(repos: readonly HubPlanRepo[]): string {
  const told = repos.filter(({ plan }) => !plan || hasGarbage(plan) || plan.phases.some((phase) => phase.refused));
  const rows = told.map(({ repo, plan, error }) => [
    repoName(repo),
    ...(plan ? plannedBySet(plan.phases).map(String) : PHASE_SETS.map(() => '-')),
    plan ? formatBytes(plannedBytes(plan.phases)) : '-',
    error ? `could not plan: ${error}` : plan!.phases.some((phase) => phase.refused) ? 'refused phases' : '',
  ]);
  const quiet = repos.length - told.length;
  return [
    table(['Repo', ...SET_HEADERS, 'Reclaimable', 'Notes'], rows),
    ...(quiet > 0 ? [`${counted(quiet, 'other repo')} have nothing to delete.`] : []),
  ].join('\n\n');
}

function repoNote(repo: ReportedRepo): string {
  const { result } = repo;
  if (!result) return repo.detail ?? '';
  const refused = result.phases.filter((phase) => phase.status === 'refused').map((phase) => phase.phase);
  const differing = result.phases.reduce((total, phase) => total + phase.differences.length, 0) + repo.warnings.length;
  return [
    ...(refused.length > 0 ? [`refused: ${refused.join(', ')}`] : []),
    ...(result.errors.length > 0 ? [counted(result.errors.length, 'error')] : []),
    ...(differing > 0 ? [counted(differing, 'difference')] : []),
  ].join('; ');
}

/** What differed from each plan while its run went: the warnings, and per phase what stayed or went beyond it. */
function differences(repos: readonly ReportedRepo[], hub: boolean): string {
  const lines = repos.flatMap((repo) => [
    ...repo.warnings.map((warning) => `${label(repo.repo, hub)}${warning}`),
    ...(repo.result?.phases ?? []).flatMap((phase) =>
      phase.differences.map((difference) => `${label(repo.repo, hub)}${phaseTitle(phase.phase)}: ${difference}`),
    ),
  ]);
  const sources = [...new Set(repos.flatMap((repo) => (repo.result ? [planSource(repo.result)] : [])))];
  const intro = sources.length === 0 ? 'No run.' : `Each run acted on ${sources.join('; ')}.`;
  return [intro, lines.length === 0 ? 'Nothing differed: every phase deleted what its plan listed.' : list(lines)].join(
    '\n\n',
  );
}

function planSource(result: RunResult): string {
  switch (result.plan.source) {
    case 'derived':
      return "a plan derived under its repo's lock";
    case 'preview':
      return `the preview made at ${result.plan.computed_at}${result.plan.rederived ? ', derived again under the lock as the hub had changed' : ''}`;
    case 'file':
      return `the plan file made at ${result.plan.computed_at}${result.plan.rederived ? ', derived again under the lock as the hub had changed' : ''}`;
    case 'mark':
      return `its batch's plans, derived under the batch's locks${result.plan.rederived ? ', derived again as the hub had changed' : ''}`;
  }
}

function refusals(name: string, plan: RepoPlanSummary | undefined): string[] {
  return (plan?.phases ?? []).flatMap((phase) =>
    phase.refused ? [`${name}, ${phaseTitle(phase.phase)}: ${phase.refused}`] : [],
  );
}

function notStarted(repos: readonly ReportedRepo[]): string[] {
  const names = repos.filter((repo) => repo.status === 'not-started').map((repo) => repo.repo);
  return names.length === 0 ? [] : [`${counted(names.length, 'repo')}, as the pass was stopped: ${names.join(', ')}`];
}

/** Why things stayed, over many repos: per reason, how many and in how many repos. */
function describeKeptAll(kept: ReadonlyArray<readonly Kept[]>): string {
  if (kept.length === 1) return kept[0]!.length === 0 ? '-' : kept[0]!.map((line) => line.detail).join('; ');
  const byReason = new Map<KeptReason, { count: number; repos: number }>();
  for (const lines of kept) {
    for (const line of lines) {
      const total = byReason.get(line.reason) ?? { count: 0, repos: 0 };
      total.count += line.count;
      total.repos += 1;
      byReason.set(line.reason, total);
    }
  }
  if (byReason.size === 0) return '-';
  return [...byReason]
    .map(([reason, total]) => `${total.count} ${KEPT_WORDS[reason]} (${counted(total.repos, 'repo')})`)
    .join('; ');
}

function hasGarbage(plan: RepoPlanSummary): boolean {
  return !plan.phases.every(isEmptyPhase);
}

function sum(phase: PhaseName, counts: ReadonlyArray<{ refs: number; rows: number; bytes: number }>) {
  return {
    phase,
    refs: counts.reduce((t, c) => t + c.refs, 0),
    rows: counts.reduce((t, c) => t + c.rows, 0),
    bytes: counts.reduce((t, c) => t + c.bytes, 0),
  };
}

function statusCounts(repos: readonly { status: HubRepoStatus }[]): string {
  return `${counted(repos.length, 'repo')}: ${tallyOf(repos.map((repo) => repo.status))}`;
}

/** `298 done, 2 refused`. */
function tallyOf(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts.size === 0 ? '-' : [...counts].map(([value, count]) => `${count} ${value}`).join(', ');
}

const label = (repo: string, hub: boolean) => (hub ? `${repo}: ` : '');

function section(title: string, lines: readonly string[]): string[] {
  return lines.length === 0 ? [] : [`## ${title}`, list(lines)];
}

function facts(pairs: ReadonlyArray<readonly string[]>): string {
  return pairs.map(([key, value]) => `- **${key}**: ${value}`).join('\n');
}

function list(lines: readonly string[]): string {
  return lines.map((line) => `- ${line.replace(/\n/g, ' ')}`).join('\n');
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function document(blocks: readonly string[]): string {
  return `${blocks.join('\n\n')}\n`;
}
