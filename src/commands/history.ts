/** `musehub-gc history <repo>`: the repo's past GC runs, newest first. */
import { repoName } from '../gc/types.js';
import { formatBytes, formatGrace } from '../present/units.js';
import { EXIT, type Command } from './command.js';
import { withService } from './hub.js';
import { printJson, say, table } from './output.js';

export const historyCommand: Command = {
  name: 'history',
  usage: 'musehub-gc history <repo> [--json]',
  summary: 'List the past GC runs of a repo, newest first: when, who, outcome, what each phase deleted.',
  details: ['<repo> is owner/slug or a repo_id.', '--json prints the array of run records.'],
  options: ['json'],
  positionals: { min: 1, max: 1 },
  run: ({ args, settings, graceSeconds }) =>
    withService(settings, graceSeconds, async (service) => {
      const repo = await service.findRepo(args.positionals[0]!);
      const runs = await service.history(repo);
      if (args.values.json) {
        printJson(runs);
        return EXIT.done;
      }
      if (runs.length === 0) {
        say(`no GC runs of ${repoName(repo)} yet`);
        return EXIT.done;
      }
      const rows = runs.map((run) => [
        run.startedAt,
        run.who,
        `${run.outcome ?? 'running'}${run.dryRun ? ' (dry run)' : ''}`,
        formatGrace(run.graceSeconds),
        formatBytes(run.bytesFreed),
        (run.phases ?? [])
          .map((phase) => `${phase.phase} ${phase.status === 'done' ? phase.refs + phase.rows : phase.status}`)
          .join(', '),
        String(run.errors?.length ?? 0),
      ]);
      for (const line of table(
        ['STARTED', 'WHO', 'OUTCOME', 'GRACE', 'FREED', 'PHASES (refs+rows)', 'ERRORS'],
        rows,
        new Set([4, 6]),
      ))
        say(line);
      return EXIT.done;
    }),
};
