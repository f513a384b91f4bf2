/** `musehub-gc demo [reset]`: the embedded demo hub, created on first use or rebuilt from scratch. */
import { takeLockFile } from '../db/embedded.js';
import { UserError } from '../errors.js';
import { listRepos } from '../gc/gc-service.js';
import { EXIT, type Command } from './command.js';
import { readContext, removeEmbeddedHub, withHub, type HubSettings } from './hub.js';
import { say } from './output.js';

export const demoCommand: Command = {
  name: 'demo',
  usage: 'musehub-gc demo [reset]',
  summary: 'Create the embedded demo hub if it is missing; `demo reset` deletes it and builds it again.',
  details: [
    'The embedded hub lives in $XDG_CACHE_HOME/musehub-gc (pgdata/, blobs/, lock).',
    'It refuses when DATABASE_URL or --database-url is set: it only ever touches the embedded hub.',
  ],
  options: [],
  positionals: { min: 0, max: 1 },
  run: async ({ args, settings }) => {
    const action = args.positionals[0];
    if (action !== undefined && action !== 'reset') {
      throw new UserError(`demo knows only \`reset\`, not ${JSON.stringify(action)}; usage: ${demoCommand.usage}`, 2);
    }
    if (settings.databaseUrl) {
      throw new UserError('demo only touches the embedded hub, and DATABASE_URL (or --database-url) is set: ' +
        'unset it to use the embedded demo hub', 2);
    }
    if (action === 'reset') {
      // Holding the lock while deleting keeps an open console's database from vanishing under it.
      const release = takeLockFile(settings.embeddedDir);
      try {
        removeEmbeddedHub(settings.embeddedDir);
      } finally {
        release();
      }
    }
    return describeDemoHub(settings);
  },
};

/** Opens (and so creates, when missing) the embedded hub, and says where it is and what it holds. */
function describeDemoHub(settings: HubSettings): Promise<number> {
  return withHub(settings, async (hub) => {
    const repos = await listRepos(readContext(hub));
    say(`embedded demo hub in ${settings.embeddedDir}: ${repos.length} repos, blobs at ${hub.store!.url}`);
    return EXIT.done;
  });
}
