/** `musehub-gc demo [reset]`: the embedded demo hub, created on first use or rebuilt from scratch. */
import { takeLockFile } from '../db/embedded.js';
import { UsageError } from '../errors.js';
import { EXIT, type Command } from './command.js';
import { removeEmbeddedHub, withService, type HubSettings } from './hub.js';
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
  run: async ({ args, settings, graceSeconds }) => {
    const action = args.positionals[0];
    if (action !== undefined && action !== 'reset') {
      throw new UsageError(`demo knows only \`reset\`, not ${JSON.stringify(action)}; usage: ${demoCommand.usage}`);
    }
    if (settings.databaseUrl) {
      throw new UsageError(
        'demo only touches the embedded hub, and DATABASE_URL (or --database-url) is set: ' +
          'unset it to use the embedded demo hub',
      );
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
    return describeDemoHub(settings, graceSeconds);
  },
};

/** Opens (and so creates, when missing) the embedded hub, and says where it is and what it holds. */
function describeDemoHub(settings: HubSettings, graceSeconds: number): Promise<number> {
  return withService(settings, graceSeconds, async (service, hub) => {
    const repos = await service.listRepos();
    say(`embedded demo hub in ${settings.embeddedDir}: ${repos.length} repos, blobs at ${hub.store!.url}`);
    return EXIT.done;
  });
}
