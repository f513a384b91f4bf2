/** `musehub-gc check (<repo> | --all)`: the integrity check before pruning; changes nothing of MuseHub's. */
import type { CheckReport, CheckTarget, RepoCheck } from '../gc/service.js';
import { repoName } from '../gc/types.js';
import { UsageError } from '../errors.js';
import { describeCheckReport, describeProblem } from '../present/check.js';
import { counted } from '../present/words.js';
import { EXIT, type Command } from './command.js';
import { withService } from './hub.js';
import { printJson } from './output.js';
import { StatusLine } from './status-line.js';

export const checkCommand: Command = {
  name: 'check',
  usage: 'musehub-gc check (<repo> | --all) [--blobs] [--grace 1h] [--json]',
  summary: 'Check a repo, or every repo, for what must be said before anything is pruned. Changes nothing.',
  details: [
    '<repo> is owner/slug or a repo_id; --all checks every repo. Per repo, with counts and the first ids:',
    'branch heads, releases and wire tags naming a commit with no row; commits and releases naming a',
    'snapshot with no row; live manifests that do not decode or name invalid ids; objects live manifests',
    "name with no row, or that the repo holds no ref to; live commits without the repo's ref row;",
    'malformed parent_ids; fetch-pack cache rows whose blob is missing from the store. --blobs also looks',
    'up the blob of every object the repo refs (a request per object on S3). Liveness is derived as GC',
    'derives it, with the same grace period (--grace, default 1h).',
    "Each repo's result (clean or not, when) is recorded in musehub_gc_checks for the console.",
    '--json prints the report: {checked_at, clean, blobs, repos: [{repo, clean, problems: [{kind, count,',
    'examples: [{id, detail}]}]}], warnings}. Progress goes to stderr.',
    'Exits 0 when every repo checked is clean, 1 when it found problems (or failed).',
  ],
  options: ['json', 'all', 'blobs'],
  positionals: { min: 0, max: 1 },
  run: ({ args, settings, graceSeconds }) => {
    const repoArg = args.positionals[0];
    if ((repoArg === undefined) === !args.values.all) {
      throw new UsageError(`name one repo, or --all for every repo; usage: ${checkCommand.usage}`);
    }
    return withService(settings, graceSeconds, async (service) => {
      const target: CheckTarget = repoArg === undefined ? { all: true } : { repo: await service.findRepo(repoArg) };
      const json = args.values.json ?? false;
      const progress = new StatusLine(json ? process.stderr : process.stdout, process.stderr);
      const checks = service.check(target, { graceSeconds, blobs: args.values.blobs ?? false });
      let report: CheckReport;
      for (;;) {
        const next = await checks.next();
        if (next.done) {
          report = next.value;
          break;
        }
        const event = next.value;
        if (event.type === 'progress') {
          progress.status(
            `${repoName(event.repo)}: ${event.step}${event.total > 0 ? ` ${event.done}/${event.total}` : ''}`,
          );
        } else if (event.type === 'warning') {
          progress.problem(`warning: ${event.message}`);
        } else if (event.type === 'repo-done' && !json) {
          for (const line of repoLines(event.result)) progress.line(line);
        }
      }
      progress.clear();
      if (json) printJson(report);
      else progress.line(describeCheckReport(report, service.label));
      return report.clean ? EXIT.done : EXIT.failed;
    });
  },
};

/** A repo's result: `owner/slug: clean`, or a line per kind found and a line per example id. */
export function repoLines(result: RepoCheck): string[] {
  const name = repoName(result.repo);
  if (result.clean) return [`${name}: clean`];
  const lines = [`${name}: ${counted(result.problems.length, 'kind of problem', 'kinds of problem')}`];
  for (const problem of result.problems) {
    lines.push(`  ${describeProblem(problem.kind, problem.count)}`);
    for (const { id, detail } of problem.examples) lines.push(`    ${id}${detail ? `  ${detail}` : ''}`);
    const more = problem.count - problem.examples.length;
    if (more > 0) lines.push(`    and ${counted(more, 'more', 'more')}`);
  }
  return lines;
}
