/** `musehub-gc plan <repo>`: what each phase would delete, what stays and why. */
import { planGc } from '../gc/plan.js';
import { resolveRepo } from '../gc/repo.js';
import { repoName, type Plan } from '../gc/types.js';
import { formatGrace } from '../ui/format.js';
import { describeDeletes, isEmptyPhase, phaseTitle } from '../ui/phases.js';
import { parseCount } from './args.js';
import { EXIT, type Command } from './command.js';
import { readContext, withHub } from './hub.js';
import { printJson, say } from './output.js';

/** How many items per phase a --json plan lists when --items is not given (the engine's default). */
const JSON_ITEMS = 50;

export const planCommand: Command = {
  name: 'plan',
  usage: 'musehub-gc plan <repo> [--json] [--grace 1h] [--items N]',
  summary: 'Show what each GC phase would delete in a repo, what it keeps and why. Changes nothing.',
  details: [
    '<repo> is owner/slug or a repo_id.',
    '--items N lists the first N items each phase would delete (--json: 50 unless given).',
    '--json prints the Plan object as the engine computed it.',
  ],
  options: ['json', 'items'],
  positionals: { min: 1, max: 1 },
  run: ({ args, settings, graceSeconds }) => {
    const items = args.values.items === undefined ? undefined : parseCount('items', args.values.items);
    return withHub(settings, async (hub) => {
      const ctx = readContext(hub);
      const repo = await resolveRepo(hub.db, args.positionals[0]!);
      const plan = await planGc(ctx, repo, { graceSeconds, itemLimit: items ?? (args.values.json ? JSON_ITEMS : 0) });
      if (args.values.json) printJson(plan);
      else for (const line of planLines(plan)) say(line);
      return EXIT.done;
    });
  },
};

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
    lines.push(`${title}${isEmptyPhase(phase) ? 'nothing to delete' : `delete ${describeDeletes(phase)}`}` +
      (phase.blobs > 0 ? ` (${phase.blobs} blobs)` : ''));
    for (const kept of phase.kept) lines.push(`${' '.repeat(14)}kept: ${kept.detail}`);
    for (const item of phase.items) {
      lines.push(`${' '.repeat(14)}- ${item.id}${item.label ? `  ${item.label}` : ''}`);
    }
  }
  return lines;
}
