/** `musehub-gc repos`: every repo with its counts, last push and last GC. */
import { repoName } from '../gc/types.js';
import { formatAgo } from '../present/units.js';
import { EXIT, type Command } from './command.js';
import { withService } from './hub.js';
import { printJson, say, table } from './output.js';

export const reposCommand: Command = {
  name: 'repos',
  usage: 'musehub-gc repos [--json]',
  summary: 'List the repos: owner/slug, repo_id, branches, commits, last push, last GC.',
  details: ['--json prints an array of {repo_id, owner, slug, branches, commits, pushed_at, last_gc_at}.'],
  options: ['json'],
  positionals: { min: 0, max: 0 },
  run: ({ args, settings, graceSeconds }) =>
    withService(settings, graceSeconds, async (service) => {
      const repos = await service.listRepos();
      if (args.values.json) {
        printJson(repos);
        return EXIT.done;
      }
      const now = Date.now();
      const rows = repos.map((repo) => [
        repoName(repo),
        repo.repoId,
        String(repo.branches),
        String(repo.commits),
        formatAgo(repo.pushedAt, now),
        formatAgo(repo.lastGcAt, now),
      ]);
      for (const line of table(
        ['REPO', 'REPO_ID', 'BRANCHES', 'COMMITS', 'PUSHED', 'LAST GC'],
        rows,
        new Set([2, 3]),
      )) {
        say(line);
      }
      say(`${repos.length} repos in ${service.label}`);
      return EXIT.done;
    }),
};
