/** `musehub-gc run <repo>`: plans, then runs GC phase by phase, asking before each unless --yes. */
import { UserError } from '../errors.js';
import { executeGc } from '../gc/execute.js';
import { planGc } from '../gc/plan.js';
import { resolveRepo } from '../gc/repo.js';
import { PHASES, type Decide, type PhaseName, type RunResult } from '../gc/types.js';
import { formatBytes } from '../ui/format.js';
import { isEmptyPhase } from '../ui/phases.js';
import { EXIT, type Command } from './command.js';
import { readContext, requireStore, withHub } from './hub.js';
import { onWindDown } from './interrupt.js';
import { printJson } from './output.js';
import { planLines } from './plan.js';
import { RunProgress } from './progress.js';
import { askPhase } from './prompt.js';

export const runCommand: Command = {
  name: 'run',
  usage: 'musehub-gc run <repo> [--yes] [--phases commits,snapshots,refs,objects,cache] [--grace 1h] [--dry-run] [--json]',
  summary: 'Run GC on a repo: plan, then delete phase by phase, asking before each phase unless --yes.',
  details: [
    '<repo> is owner/slug or a repo_id.',
    'On a terminal it asks before each phase (default no); the blob phases (objects, cache) want the',
    'repo\'s slug typed out. Without a terminal it needs --yes.',
    '--phases runs only the phases named (the others are skipped); --dry-run runs every phase in a',
    'transaction that is rolled back and deletes no blob: it needs no --yes and no blob store.',
    '--json prints one JSON object at the end, the RunResult (repo_id, commits_deleted, snapshots_deleted,',
    'object_refs_deleted, objects_deleted, storage_bytes_freed, reachable_commit_count, errors, phases, …);',
    'progress and warnings go to stderr.',
    'Ctrl-C stops before the next phase; a second Ctrl-C aborts at once.',
    'Exits 3 when the lock is held, a requested phase is refused or the operator declines a phase.',
  ],
  options: ['json', 'yes', 'phases', 'dry-run'],
  positionals: { min: 1, max: 1 },
  run: ({ args, settings, graceSeconds }) => {
    const phases = args.values.phases === undefined ? undefined : parsePhases(args.values.phases);
    const dryRun = args.values['dry-run'] ?? false;
    const json = args.values.json ?? false;
    const ask = !args.values.yes && !dryRun;
    if (ask && !(process.stdin.isTTY && process.stderr.isTTY)) {
      throw new UserError('run asks before each phase and there is no terminal to ask on: pass --yes to run ' +
        'every phase without asking (or --dry-run to see what it would do)', 2);
    }
    return withHub(settings, async (hub) => {
      const ctx = dryRun ? readContext(hub) : requireStore(hub);
      if (!dryRun) await ctx.store.check();
      const repo = await resolveRepo(hub.db, args.positionals[0]!);
      const out = json ? process.stderr : process.stdout;
      const progress = new RunProgress(out, process.stderr);
      const plan = await planGc(ctx, repo, { graceSeconds, itemLimit: 0 });
      if (!json) for (const line of planLines(plan)) progress.line(line);

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
        const events = executeGc(ctx, plan, { decide, dryRun, phases });
        for (;;) {
          const next = await events.next();
          if (next.done) {
            result = next.value;
            break;
          }
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
    if (!(PHASES as readonly string[]).includes(name)) {
      throw new UserError(`--phases: no phase ${JSON.stringify(name)}; the phases are ${PHASES.join(',')}`, 2);
    }
  }
  if (names.length === 0) throw new UserError(`--phases names no phase; the phases are ${PHASES.join(',')}`, 2);
  return names as PhaseName[];
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
