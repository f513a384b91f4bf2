/** `musehub-gc resume`: finishes the blob deletions an interrupted run left in the journal. */
import { drainJournal } from '../gc/journal.js';
import { Session } from '../gc/session.js';
import { formatBytes } from '../ui/format.js';
import { EXIT, type Command } from './command.js';
import { requireStore, withHub } from './hub.js';
import { note, printJson, say } from './output.js';

export const resumeCommand: Command = {
  name: 'resume',
  usage: 'musehub-gc resume [--json]',
  summary: 'Finish the blob deletions an interrupted run left in the journal (every repo).',
  details: [
    'Deletes each journalled blob that no row names any more; a blob a row names again stays.',
    '--json prints {blobs, bytes, renamed, errors}. Exits 1 when errors remain (the entries stay journalled).',
  ],
  options: ['json'],
  positionals: { min: 0, max: 0 },
  run: ({ args, settings }) => withHub(settings, async (hub) => {
    const ctx = requireStore(hub);
    await ctx.store.check();
    const session = await Session.open(ctx.db);
    let drained;
    try {
      drained = await drainJournal(session, ctx.store, undefined);
    } finally {
      await session.close();
    }
    if (args.values.json) {
      printJson(drained);
    } else {
      for (const error of drained.errors) note(`error: ${error}`);
      say(`resume: ${drained.blobs} blobs deleted (${formatBytes(drained.bytes)}), ` +
        `${drained.renamed} kept because a row names them again, ${drained.errors.length} errors`);
    }
    return drained.errors.length > 0 ? EXIT.failed : EXIT.done;
  }),
};
