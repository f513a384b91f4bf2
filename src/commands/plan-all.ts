/** `musehub-gc plan --all`: every repo's plan, `--workers` at a time; the repos with something to delete, and the hub's totals. */
import { UsageError } from '../errors.js';
import type { HubPlan } from '../gc/hub/types.js';
import { DEFAULT_WORKERS, hubPoolSize } from '../gc/service.js';
import { PHASE_SETS } from '../gc/phases/catalog.js';
import { repoName } from '../gc/types.js';
import { planReport } from '../present/report.js';
import { describeDeletes, isEmptyPhase, phaseTitle, plannedBySet, plannedBytes } from '../present/run.js';
import { formatBytes, formatGrace } from '../present/units.js';
import { counted } from '../present/words.js';
import { parseCount } from './args.js';
import { EXIT, type CommandInput } from './command.js';
import { withService } from './hub.js';
import { followHub, HubLines } from './hub-progress.js';
import { outputPath } from './output-file.js';
import { printJson, table } from './output.js';
import { reportContext, writeReport } from './run-outputs.js';

export function planAll({ args, settings, graceSeconds }: CommandInput): Promise<number> {
  if (args.positionals.length > 0)
    throw new UsageError('plan --all plans every repo: name no repo with it (or drop --all)');
  if (args.values.out || args.values.items) {
    throw new UsageError(
      "--out and --items are for one repo's plan; plan --all lists the repos with something to delete",
    );
  }
  const workers = args.values.workers === undefined ? DEFAULT_WORKERS : parseCount('workers', args.values.workers);
  const report = args.values.report === undefined ? undefined : outputPath('report', args.values.report);
  const json = args.values.json ?? false;
  return withService(
    settings,
    graceSeconds,
    async (service) => {
      const lines = new HubLines(json ? process.stderr : process.stdout, 'would');
      const startedAt = new Date().toISOString();
      const result = await followHub(
        lines,
        (stop) => service.planAll({ graceSeconds, workers, stop }),
        (event) => {
          if (event.type === 'notice') lines.problem(`note: ${event.message}`);
          if (event.type === 'repo-failed')
            lines.problem(`${repoName(event.repo)}: could not plan it: ${event.message}`);
          if (event.type === 'hub-progress') lines.progress(event.progress);
        },
      );
      if (json) printJson(result);
      else for (const line of hubPlanLines(result)) lines.line(line);
      if (report) {
        await writeReport(
          report,
          planReport(await reportContext(service.hub, graceSeconds, startedAt), { hub: true, repos: result.repos }),
        );
      }
      return result.outcome === 'stopped'
        ? EXIT.refused
        : result.repos.some((repo) => repo.error)
          ? EXIT.failed
          : EXIT.done;
    },
    { poolMax: hubPoolSize(workers) },
  );
}

/** The repos with something to delete or a refusal, a row each by set, then the hub's totals per phase. */
function hubPlanLines(result: HubPlan): string[] {
  const told = result.repos.filter(
    ({ plan }) => !plan || plan.phases.some((phase) => phase.refused || !isEmptyPhase(phase)),
  );
  const rows = told.map(({ repo, plan, error }) => [
    repoName(repo),
    ...(plan ? plannedBySet(plan.phases).map(String) : PHASE_SETS.map(() => '-')),
    plan ? formatBytes(plannedBytes(plan.phases)) : '-',
    error ? 'could not plan' : plan!.phases.some((phase) => phase.refused) ? 'refused phases' : '',
  ]);
  const numbers = new Set(Array.from({ length: PHASE_SETS.length + 1 }, (_, i) => i + 1));
  return [
    `plan --all of ${result.hub.label}, grace ${formatGrace(result.graceSeconds)}: ${counted(result.repos.length, 'repo')}, ` +
      `${told.length} with something to delete or a refusal`,
    ...(rows.length > 0
      ? table(['REPO', ...PHASE_SETS.map((set) => set.many.toUpperCase()), 'RECLAIMABLE', 'NOTE'], rows, numbers)
      : []),
    ...result.phases.map(
      (phase) =>
        `${phaseTitle(phase.phase).padEnd(14)}${describeDeletes(phase)}` +
        (phase.refused > 0 ? `; refused in ${counted(phase.refused, 'repo')}` : ''),
    ),
  ];
}
