/**
 * `musehub-gc run <repo>`: derives the plan under the repo's lock, then runs GC phase by
 * phase, asking before each unless --yes. `run --plan FILE` applies a saved plan instead.
 */
import { parseDuration } from '../gc/duration.js';
import type { RunTarget } from '../gc/service.js';
import { PHASES, phaseNamed } from '../gc/phases/table.js';
import type { Decide, PhaseName, RunResult } from '../gc/types.js';
import { RefusedError, UsageError } from '../errors.js';
import { formatBytes, isEmptyPhase, phaseNames } from '../present.js';
import { parseCount } from './args.js';
import { EXIT, type Command } from './command.js';
import { withService } from './hub.js';
import { onWindDown } from './interrupt.js';
import { printJson } from './output.js';
import { planLines } from './plan.js';
import { RunProgress } from './progress.js';
import { askPhase } from './prompt.js';

/** How old a plan file may be unless --max-plan-age says otherwise. */
const MAX_PLAN_AGE = '24h';

export const runCommand: Command = {
  name: 'run',
  usage: 'musehub-gc run (<repo> | --plan FILE) [--yes] [--phases commits,snapshots,refs,objects,cache] [--grace 1h] ' +
    '[--max-plan-age 24h] [--connections 2] [--dry-run] [--json]',
  summary: 'Run GC on a repo phase by phase, asking before each phase unless --yes; or apply a saved plan.',
  details: [
    '<repo> is owner/slug or a repo_id. The plan is derived once, under the repo\'s lock, and printed.',
    '--plan FILE applies a plan `musehub-gc plan <repo> --out FILE` saved: it deletes only what the file',
    'lists and is still garbage under the same re-checks, never anything else, and says what it kept and why.',
    'It refuses, deleting nothing, a file that is truncated or altered, for another hub or repo, or older',
    'than --max-plan-age (default 24h). The file fixes the grace and cutoff: --grace does not apply.',
    'On a terminal it asks before each phase (default no); the blob phases (objects, cache) want the',
    'repo\'s slug typed out. Without a terminal it needs --yes.',
    '--phases runs only the phases named (the others are skipped); --dry-run runs every phase in a',
    'transaction that is rolled back and deletes no blob: it needs no --yes and no blob store.',
    '--json prints one JSON object at the end, the RunResult (repo_id, commits_deleted, snapshots_deleted,',
    'object_refs_deleted, objects_deleted, storage_bytes_freed, reachable_commit_count, errors, phases,',
    'plan, profile, …); progress and warnings go to stderr.',
    '--connections N: how many database connections the run deletes on at once (default 2; the embedded',
    'hub has one). Each chunk of 10,000 rows commits on its own, so no lock is held longer than a chunk.',
    'Ctrl-C stops before the next phase; a second Ctrl-C aborts at once.',
    'Exits 3 when the lock is held, the plan file is refused, a requested phase is refused or the operator',
    'declines a phase.',
  ],
  options: ['json', 'yes', 'phases', 'dry-run', 'plan', 'max-plan-age', 'connections'],
  positionals: { min: 0, max: 1 },
  run: ({ args, settings, graceSeconds }) => {
    const planFile = args.values.plan;
    const repoArg = args.positionals[0];
    if (!planFile && repoArg === undefined) throw new UsageError(`name a repo or a plan file; usage: ${runCommand.usage}`);
    if (planFile && args.values.grace !== undefined) {
      throw new UsageError('--grace does not apply with --plan: the plan file fixes its grace period and cutoff');
    }
    if (!planFile && args.values['max-plan-age'] !== undefined) throw new UsageError('--max-plan-age applies only with --plan FILE');
    const maxAgeSeconds = parseDuration(args.values['max-plan-age'] ?? MAX_PLAN_AGE);
    const connections = args.values.connections === undefined ? undefined : parseCount('connections', args.values.connections);
    const phases = args.values.phases === undefined ? undefined : parsePhases(args.values.phases);
    const dryRun = args.values['dry-run'] ?? false;
    const json = args.values.json ?? false;
    const ask = !args.values.yes && !dryRun;
    if (ask && !(process.stdin.isTTY && process.stderr.isTTY)) {
      throw new UsageError('run asks before each phase and there is no terminal to ask on: pass --yes to run ' +
        'every phase without asking (or --dry-run to see what it would do)');
    }
    return withService(settings, graceSeconds, async (service) => {
      let target: RunTarget;
      if (planFile) {
        const plan = await service.loadPlan(planFile, { maxAgeSeconds });
        if (repoArg !== undefined && (await service.findRepo(repoArg)).repoId !== plan.repo.repoId) {
          throw new RefusedError(`plan file ${planFile} refused, nothing was deleted: it is a plan for ` +
            `${plan.repo.owner}/${plan.repo.slug}, not ${repoArg}`);
        }
        target = { plan, source: 'file' };
      } else {
        target = { repo: await service.findRepo(repoArg!), graceSeconds };
      }
      const out = json ? process.stderr : process.stdout;
      const progress = new RunProgress(out, process.stderr);

      let stopping = false;
      let declined = 0;
      const decide: Decide = async (phase, current) => {
        if (stopping) return 'stop';
        // Nothing to delete: nothing to ask.
        if (!ask || isEmptyPhase(phase)) return 'go';
        progress.clear();
        const decision = await askPhase(phase, current);
        if (decision !== 'go') declined++;
        return decision;
      };
      const stopWindDown = onWindDown(() => {
        stopping = true;
      });
      let result: RunResult;
      try {
        const events = service.run(target, { decide, dryRun, phases, connections });
        for (;;) {
          const next = await events.next();
          if (next.done) {
            result = next.value;
            break;
          }
          if (next.value.type === 'plan-ready' && !json) for (const line of planLines(next.value.plan)) progress.line(line);
          progress.event(next.value);
        }
      } finally {
        stopWindDown();
      }
      if (json) printJson(result);
      else for (const line of summaryLines(result)) progress.line(line);
      return exitCode(result, phases, declined);
    });
  },
};

function parsePhases(text: string): PhaseName[] {
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  for (const name of names) {
    if (!PHASES.some((phase) => phase.name === name)) {
      throw new UsageError(`--phases: no phase ${JSON.stringify(name)}; the phases are ${phaseNames()}`);
    }
  }
  if (names.length === 0) throw new UsageError(`--phases names no phase; the phases are ${phaseNames()}`);
  return names.map((name) => phaseNamed(name as PhaseName).name);
}

/** 1 when anything failed; 3 when the run was refused, stopped, declined or a requested phase refused; else 0. */
function exitCode(result: RunResult, phases: readonly PhaseName[] | undefined, declined: number): number {
  if (result.outcome === 'failed' || result.errors.length > 0 && result.outcome !== 'refused') return EXIT.failed;
  const refusedPhase = result.phases.some((phase) => phase.status === 'refused' && (!phases || phases.includes(phase.phase)));
  if (result.outcome !== 'done' || refusedPhase || declined > 0) return EXIT.refused;
  return EXIT.done;
}

/** The run's end in a few lines: what was deleted, what was not run and why. */
function summaryLines(result: RunResult): string[] {
  const verb = result.dry_run ? 'would delete' : 'deleted';
  const lines = [
    `${result.dry_run ? 'dry run' : 'run'} ${result.outcome}: ${result.repo} ${verb} ` +
      `${result.commit_refs_deleted} commit refs, ${result.commits_deleted} commits, ` +
      `${result.snapshots_deleted} snapshots, ${result.object_refs_deleted} object refs, ` +
      `${result.objects_deleted} objects, ${result.mpack_cache_deleted} cache entries; ` +
      `${formatBytes(result.storage_bytes_freed)} ${result.dry_run ? 'to free' : 'freed'}`,
  ];
  // Why a phase was refused or failed is already on screen, in the plan and the warnings.
  const notDone = result.phases.filter((phase) => phase.status !== 'done');
  if (notDone.length > 0) lines.push(`not done: ${notDone.map((phase) => `${phase.phase} ${phase.status}`).join(', ')}`);
  if (result.errors.length > 0) lines.push(`${result.errors.length} errors (see above)`);
  return lines;
}
