/**
 * `musehub-gc plan <repo>`: what each phase would delete, what stays and why; with --out, the
 * plan saved for `run --plan`; with --all, every repo (plan-all.ts).
 */
import { summarizePlan } from '../gc/hub/types.js';
import { planReport } from '../present/report.js';
import { describeDeletes, isEmptyPhase, phaseTitle } from '../present/run.js';
import { formatBytes, formatGrace } from '../present/units.js';
import { repoName, type Plan } from '../gc/types.js';
import { UsageError } from '../errors.js';
import { parseCount } from './args.js';
import { EXIT, type Command, type CommandInput } from './command.js';
import { withService } from './hub.js';
import { outputPath } from './output-file.js';
import { note, printJson, say } from './output.js';
import { planAll } from './plan-all.js';
import { reportContext, writeReport } from './run-outputs.js';

/** How many items per phase a --json plan lists when --items is not given. */
const JSON_ITEMS = 50;

export const planCommand: Command = {
  name: 'plan',
  usage:
    'musehub-gc plan (<repo> | --all) [--json] [--grace 1h] [--items N] [--out FILE] [--workers N] [--report FILE.md]',
  summary: 'Show what each GC phase would delete in a repo, or in every repo, what it keeps and why. Changes nothing.',
  details: [
    '<repo> is owner/slug or a repo_id.',
    '--items N lists the first N items each phase would delete (--json: 50 unless given).',
    '--json prints the plan (each complete set as its count; keys in snake_case, docs/json.md).',
    '--out FILE also saves the plan: the hub and repo, the cutoff, every id each phase would delete, signed',
    "with this hub's key. `musehub-gc run --plan FILE` deletes no more than it lists, or refuses.",
    '--all plans every repo, --workers at a time (default 2; 1 on the embedded hub), and lists those with',
    'something to delete or a refused phase; it refreshes the cached estimates `run --all` orders by.',
    '--json prints {hub, repos: [{repo, plan: {phases, findings, …}} or {repo, error}], phases, …}.',
    '--report FILE.md writes a Markdown report for a ticket: who, when, the hub, the grace and cutoff, per',
    'phase what would go, what stays and why, refusals and findings.',
  ],
  options: ['json', 'items', 'out', 'all', 'workers', 'report'],
  positionals: { min: 0, max: 1 },
  run: (input) => (input.args.values.all ? planAll(input) : planOne(input)),
};

function planOne({ args, settings, graceSeconds }: CommandInput): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError(`name a repo, or pass --all; usage: ${planCommand.usage}`);
  if (args.values.workers !== undefined)
    throw new UsageError('--workers applies only with --all: one repo is one plan');
  const items = args.values.items === undefined ? undefined : parseCount('items', args.values.items);
  const report = args.values.report === undefined ? undefined : outputPath('report', args.values.report);
  return withService(settings, graceSeconds, async (service) => {
    const startedAt = new Date().toISOString();
    const repo = await service.findRepo(args.positionals[0]!);
    const plan = await service.plan(repo, {
      graceSeconds,
      itemLimit: items ?? (args.values.json || args.values.out ? JSON_ITEMS : 0),
    });
    if (args.values.json) printJson(plan);
    else for (const line of planLines(plan)) say(line);
    if (args.values.out) {
      const bytes = await service.savePlan(plan, args.values.out);
      note(
        `saved the plan to ${args.values.out} (${formatBytes(bytes)}); apply it with ` +
          `\`musehub-gc run --plan ${args.values.out}\` within --max-plan-age (default 24h)`,
      );
    }
    if (report) {
      await writeReport(
        report,
        planReport(await reportContext(service.hub, graceSeconds, startedAt), {
          hub: false,
          repos: [{ repo, plan: summarizePlan(plan) }],
        }),
      );
    }
    return EXIT.done;
  });
}

/** The plan as text: findings first, then each phase with what goes, what stays and why. */
export function planLines(plan: Plan): string[] {
  const lines = [
    `${repoName(plan.repo)} (${plan.repo.repoId}): ${plan.reachableCommits} reachable commits, ` +
      `${plan.orphanedCommits} orphaned; grace ${formatGrace(plan.graceSeconds)} (cutoff ${plan.cutoff})`,
  ];
  for (const finding of plan.findings) lines.push(`${finding.severity}: ${finding.message}`);
  for (const phase of plan.phases) {
    const title = phaseTitle(phase.phase).padEnd(14);
    if (phase.refused) {
      lines.push(`${title}REFUSED: ${phase.refused}`);
      continue;
    }
    lines.push(
      `${title}${isEmptyPhase(phase) ? 'nothing to delete' : `delete ${describeDeletes(phase)}`}` +
        (phase.blobs > 0 ? ` (${phase.blobs} blobs)` : ''),
    );
    for (const kept of phase.kept) lines.push(`${' '.repeat(14)}kept: ${kept.detail}`);
    for (const item of phase.items) {
      lines.push(`${' '.repeat(14)}- ${item.id}${item.label ? `  ${item.label}` : ''}`);
    }
  }
  return lines;
}
