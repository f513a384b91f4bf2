/**
 * `musehub-gc run <repo>`: derives the plan under the repo's lock, then runs GC phase by
 * phase, asking before each unless --yes. `run --plan FILE` applies a saved plan instead;
 * `run --all` collects every repo (run-all.ts).
 */
import { parseDuration } from '../gc/duration.js';
import type { PlanDrift } from '../gc/plan-drift.js';
import { planDriftLines, planFileOrigin } from '../present/plan-file.js';
import { PHASE_SETS, PHASES } from '../gc/phases/catalog.js';
import type { RunTarget } from '../gc/service.js';
import type { Decide, Plan, RunResult } from '../gc/types.js';
import { RefusedError, UsageError } from '../errors.js';
import { confirmationOf, phaseNames, runSummary } from '../present/run.js';
import { parseCount, parsePhases } from './args.js';
import type { Command, CommandInput } from './command.js';
import { eachEvent } from './events.js';
import { withService } from './hub.js';
import { onWindDown } from './interrupt.js';
import { printJson } from './output.js';
import { planLines } from './plan.js';
import { RunProgress } from './progress.js';
import { askPhase } from './prompt.js';
import { runAll } from './run-all.js';
import { runExitCode } from './run-exit.js';
import { RunNotes } from './run-notes.js';
import { reportContext, runOutputs, writeRunOutputs } from './run-outputs.js';

/** The phases that delete blobs from storage, which want the repo's slug typed: `objects, cache`. */
const BLOB_PHASES = PHASES.filter((phase) => phase.blobs)
  .map((phase) => phase.name)
  .join(', ');

/** How old a plan file may be unless --max-plan-age says otherwise. */
const MAX_PLAN_AGE = '24h';

export const runCommand: Command = {
  name: 'run',
  usage:
    `musehub-gc run (<repo> | --plan FILE | --all) [--yes] [--phases ${phaseNames()}] [--grace 1h] ` +
    '[--max-plan-age 24h] [--connections 2] [--workers N] [--dry-run] [--json] [--metrics-file PATH.prom] [--report FILE.md]',
  summary:
    'Run GC on a repo phase by phase, asking before each phase unless --yes; or apply a saved plan; or collect every repo.',
  details: [
    "<repo> is owner/slug or a repo_id. The plan is derived once, under the repo's lock, and printed.",
    "--plan FILE applies a plan `musehub-gc plan <repo> --out FILE` saved (signed with this hub's key): under",
    'the lock it derives liveness again and deletes only what the file lists AND is garbage now, and says what',
    'it kept and why (one thing beyond: the row of a commit whose listed ref it deletes, once no repo holds it',
    "any more, lest no GC see it again). Its cutoff is the file's, or now minus --grace (default 1h) where that",
    'is earlier. It refuses, deleting nothing, a file that is truncated, edited or signed by another hub, for',
    'another repo, dated ahead, or older than --max-plan-age (default 24h). See docs/plan-files.md.',
    `On a terminal it asks before each phase (default no); the blob phases (${BLOB_PHASES}) want the`,
    "repo's slug typed out. Without a terminal it needs --yes.",
    '--phases runs only the phases named (the others are skipped); --dry-run runs every phase in a',
    'transaction that is rolled back and deletes no blob: it needs no --yes and no blob store.',
    '--json prints one JSON object at the end, the RunResult (repo_id, a count deleted per set:',
    `${PHASE_SETS.map((set) => set.tally).join(', ')},`,
    'storage_bytes_freed, reachable_commit_count, errors, phases, plan, profile, …); progress and warnings go',
    'to stderr.',
    '--all collects every repo (it needs --yes or --dry-run), most reclaimable first (the cached estimates;',
    'the others after), --workers at a time (default 2; 1 on the embedded hub). Any number of processes, on',
    'any machines, may run it at once: a repo whose GC lock another holds is skipped, and so is one a real run',
    'of which started since the pass began (or since the earliest pass still running when it began) and ended.',
    'One repo failing does not stop the others. --json prints {pass_id, since, repos: [{repo, status, result}],',
    "totals, …}; a line per repo and the hub's progress (done/total, rows, bytes, rate, ETA, in flight) go to",
    'stderr. Ctrl-C finishes the repos in flight and starts no new one; a second Ctrl-C aborts at once.',
    "--metrics-file PATH.prom writes the Prometheus text format for node_exporter's textfile collector (whole,",
    'by rename): per repo and, with --all, for the hub: last run time, outcome, duration, rows deleted per phase,',
    'bytes freed, errors. --report FILE.md writes a Markdown report for a ticket.',
    '--connections N: how many database connections a run of one repo deletes on at once (default 2; the',
    'embedded hub has one). Each chunk of 10,000 rows commits on its own, so no lock is held longer than a chunk.',
    'Ctrl-C stops before the next phase; a second Ctrl-C aborts at once.',
    'Exits 3 when the lock is held, the plan file is refused, a requested phase is refused or the operator',
    'declines a phase; with --all, 1 when any repo failed, 3 when any was refused a phase or Ctrl-C stopped',
    'the pass, 0 otherwise (a repo another process holds or collected is no failure).',
  ],
  options: [
    'json',
    'yes',
    'phases',
    'dry-run',
    'plan',
    'max-plan-age',
    'connections',
    'all',
    'workers',
    'metrics-file',
    'report',
  ],
  positionals: { min: 0, max: 1 },
  run: (input) => (input.args.values.all ? runAll(input) : runOne(input)),
};

function runOne({ args, settings, graceSeconds }: CommandInput): Promise<number> {
  const planFile = args.values.plan;
  const repoArg = args.positionals[0];
  if (!planFile && repoArg === undefined)
    throw new UsageError(`name a repo or a plan file, or pass --all; usage: ${runCommand.usage}`);
  if (!planFile && args.values['max-plan-age'] !== undefined)
    throw new UsageError('--max-plan-age applies only with --plan FILE');
  if (args.values.workers !== undefined) throw new UsageError('--workers applies only with --all: one repo is one run');
  const connections =
    args.values.connections === undefined ? undefined : parseCount('connections', args.values.connections);
  const maxAgeSeconds = parseDuration(args.values['max-plan-age'] ?? MAX_PLAN_AGE);
  const phases = args.values.phases === undefined ? undefined : parsePhases(args.values.phases);
  const dryRun = args.values['dry-run'] ?? false;
  const json = args.values.json ?? false;
  const ask = !args.values.yes && !dryRun;
  if (ask && !(process.stdin.isTTY && process.stderr.isTTY)) {
    throw new UsageError(
      'run asks before each phase and there is no terminal to ask on: pass --yes to run ' +
        'every phase without asking (or --dry-run to see what it would do)',
    );
  }
  const outputs = runOutputs(args, dryRun);
  return withService(
    settings,
    graceSeconds,
    async (service) => {
      let target: RunTarget;
      // What a plan file is and would do on the hub now, said before the first question (and in --json).
      let fileReport: { path: string; madeBy: Plan['madeBy']; madeAt: string; drift?: PlanDrift } | undefined;
      if (planFile) {
        const plan = await service.loadPlan(planFile, { maxAgeSeconds });
        if (repoArg !== undefined && (await service.findRepo(repoArg)).repoId !== plan.repo.repoId) {
          throw new RefusedError(
            `plan file ${planFile} refused, nothing was deleted: it is a plan for ` +
              `${plan.repo.owner}/${plan.repo.slug}, not ${repoArg}`,
          );
        }
        target = { plan, source: 'file', graceSeconds };
        const drift = ask || json ? await service.comparePlan(plan, { graceSeconds }) : undefined;
        fileReport = { path: planFile, madeBy: plan.madeBy, madeAt: plan.computedAt, ...(drift ? { drift } : {}) };
        const say = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
        say(`plan file ${planFile}: ${planFileOrigin(plan, Date.now())}`);
        if (drift) for (const line of ['against the hub now:', ...planDriftLines(drift)]) say(`  ${line}`);
      } else {
        target = { repo: await service.findRepo(repoArg!), graceSeconds };
      }
      const repo = 'plan' in target ? target.plan.repo : target.repo;
      const out = json ? process.stderr : process.stdout;
      const progress = new RunProgress(out, process.stderr);
      const notes = new RunNotes();

      let stopping = false;
      let declined = 0;
      const decide: Decide = async (phase, current) => {
        if (stopping) return 'stop';
        if (!ask || confirmationOf(phase) === 'none') return 'go';
        progress.clear();
        const decision = await askPhase(phase, current);
        if (decision !== 'go') declined++;
        return decision;
      };
      const stopWindDown = onWindDown(() => {
        stopping = true;
      });
      const startedAt = new Date().toISOString();
      let result: RunResult;
      try {
        result = await eachEvent(service.run(target, { decide, dryRun, phases, connections }), (event) => {
          if (event.type === 'plan-ready' && !json) for (const line of planLines(event.plan)) progress.line(line);
          notes.observe(repo.repoId, event);
          progress.event(event);
        });
      } finally {
        stopWindDown();
      }
      if (json) printJson(fileReport ? { ...result, planFile: fileReport } : result);
      else {
        const [headline, ...rest] = runSummary(result);
        progress.line(`${result.dry_run ? 'dry run' : 'run'} ${result.outcome} on ${result.repo}: ${headline}`);
        for (const line of rest) progress.line(line);
      }
      // A plan file's grace holds where it is the longer (as the engine's run holds to it).
      const graceInForce = 'plan' in target ? Math.max(target.plan.graceSeconds, graceSeconds) : graceSeconds;
      const context = await reportContext(service.hub, graceInForce, startedAt);
      await writeRunOutputs(outputs, context, {
        dryRun,
        repos: [
          {
            repo: result.repo,
            repo_id: result.repo_id,
            status: result.outcome,
            started_at: startedAt,
            finished_at: context.finishedAt,
            result,
            plan: notes.planOf(repo.repoId),
            warnings: notes.warningsOf(repo.repoId),
          },
        ],
      });
      return runExitCode(result, phases, declined);
    },
    { writes: 'run' },
  );
}
