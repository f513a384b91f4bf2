/**
 * `musehub-gc run --all`: every repo of the hub, `--workers` at a time, as `run <repo> --yes`
 * would collect each; any number of processes may run it at once (gc/hub/claim.ts). Ctrl-C
 * lets the repos in flight finish and starts no new one.
 */
import { UsageError } from '../errors.js';
import { DEFAULT_WORKERS, hubPoolSize } from '../gc/service.js';
import { repoName } from '../gc/types.js';
import { describeHubResult, describeRepoOutcome } from '../present/hub.js';
import { counted } from '../present/words.js';
import { parseCount, parsePhases } from './args.js';
import type { CommandInput } from './command.js';
import { withService } from './hub.js';
import { followHub, HubLines } from './hub-progress.js';
import { printJson } from './output.js';
import { hubExitCode } from './run-exit.js';
import { RunNotes } from './run-notes.js';
import { reportContext, runOutputs, writeRunOutputs } from './run-outputs.js';

/** The most workers one process may ask for: each holds two connections of the server's. */
const MAX_WORKERS = 32;

export function runAll({ args, settings, graceSeconds }: CommandInput): Promise<number> {
  if (args.positionals.length > 0)
    throw new UsageError('run --all collects every repo: name no repo with it (or drop --all)');
  if (args.values.plan || args.values['max-plan-age'] !== undefined) {
    throw new UsageError("--plan applies one repo's plan file; run --all derives each repo's plan under its lock");
  }
  if (args.values.connections !== undefined) {
    throw new UsageError(
      "--connections applies to one repo's run; with --all, --workers says how many repos run at once",
    );
  }
  const dryRun = args.values['dry-run'] ?? false;
  if (!args.values.yes && !dryRun) {
    throw new UsageError(
      'run --all collects every repo without asking: pass --yes (or --dry-run to see what it would do)',
    );
  }
  const workers = args.values.workers === undefined ? DEFAULT_WORKERS : parseCount('workers', args.values.workers);
  if (workers > MAX_WORKERS)
    throw new UsageError(`--workers ${workers} is more than ${MAX_WORKERS}: each worker holds two connections`);
  const phases = args.values.phases === undefined ? undefined : parsePhases(args.values.phases);
  const outputs = runOutputs(args, dryRun);
  const json = args.values.json ?? false;
  return withService(
    settings,
    graceSeconds,
    async (service) => {
      const lines = new HubLines(json ? process.stderr : process.stdout, dryRun ? 'would' : 'run');
      const notes = new RunNotes();
      const startedAt = new Date().toISOString();
      let finished = 0;
      let total = 0;
      const result = await followHub(
        lines,
        (stop) => service.runAll({ graceSeconds, workers, dryRun, phases, stop }),
        (event) => {
          switch (event.type) {
            case 'notice':
              lines.problem(`note: ${event.message}`);
              break;
            case 'hub-start':
              total = event.total;
              lines.line(
                `${dryRun ? 'dry run' : 'run'} --all on ${service.label}: ${counted(event.total, 'repo')}, ` +
                  `${counted(event.pass.workers, 'worker')} (pass ${event.pass.pass_id}, counting runs since ${event.pass.since})`,
              );
              break;
            case 'repo-event':
              notes.observe(event.repo.repoId, event.event);
              if (event.event.type === 'warning' || event.event.type === 'error') {
                lines.problem(`${repoName(event.repo)}: ${event.event.type}: ${event.event.message}`);
              }
              break;
            case 'repo-done':
              lines.line(`[${++finished}/${total}] ${event.outcome.repo}  ${describeRepoOutcome(event.outcome)}`);
              break;
            case 'hub-progress':
              lines.progress(event.progress);
              break;
            case 'repo-start':
            case 'hub-done':
              break;
          }
        },
      );
      const code = hubExitCode(result, phases);
      if (json) printJson(result);
      else lines.line(`${result.dry_run ? 'dry run' : 'run'} --all ${result.outcome}: ${describeHubResult(result)}`);
      await writeRunOutputs(
        outputs,
        await reportContext(result.hub, graceSeconds, startedAt),
        {
          dryRun,
          pass: result,
          repos: result.repos.map((repo) => ({
            ...repo,
            plan: notes.planOf(repo.repo_id),
            warnings: notes.warningsOf(repo.repo_id),
          })),
        },
        { result, success: code === 0 },
      );
      return code;
    },
    { poolMax: hubPoolSize(workers), writes: 'run --all' },
  );
}
