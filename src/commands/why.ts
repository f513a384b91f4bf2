/** `musehub-gc why <repo> <id>`: what GC does with one commit or object of a repo, and the path that keeps it. */
import { describeWhy } from '../present/why.js';
import { EXIT, type Command } from './command.js';
import { withService } from './hub.js';
import { printJson, say } from './output.js';

export const whyCommand: Command = {
  name: 'why',
  usage: 'musehub-gc why <repo> <commit-or-object-id> [--json] [--grace 1h]',
  summary: 'Say what GC does with one commit or object of a repo (live, kept, deleted), why, and what keeps it.',
  details: [
    '<repo> is owner/slug or a repo_id. The id is a commit id or an object id (sha256:…), whole or its first',
    '8 or more characters, as long as they name one thing. The answer is read off the same derivation as',
    "`musehub-gc plan` with the same --grace, so the two agree; the path is a shortest one from the repo's",
    'branches, releases, wire tags or recent pushes.',
    '--json prints {repo, kind, id, fate, phase, reason, path, file, holders, ref, …} (docs/json.md).',
  ],
  options: ['json'],
  positionals: { min: 2, max: 2 },
  run: ({ args, settings, graceSeconds }) =>
    withService(settings, graceSeconds, async (service) => {
      const repo = await service.findRepo(args.positionals[0]!);
      const why = await service.why(repo, args.positionals[1]!, { graceSeconds });
      if (args.values.json) printJson(why);
      else for (const line of describeWhy(why, Date.now())) say(line);
      return EXIT.done;
    }),
};
