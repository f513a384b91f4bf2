/** `musehub-gc resume`: finishes the blob deletions an interrupted run left in the journal. */
import { formatBytes } from '../present/units.js';
import { EXIT, type Command } from './command.js';
import { withService } from './hub.js';
import { note, printJson, say } from './output.js';

export const resumeCommand: Command = {
  name: 'resume',
  usage: 'musehub-gc resume [--json]',
  summary: 'Finish the blob deletions an interrupted run left in the journal (every repo).',
  details: [
    'Deletes each journalled blob of this store that no row names any more; a blob a row names again stays.',
    'Entries of another store, or written before entries named their store, stay, and it says so;',
    'musehub-gc journal lists them. A blob the store refuses (outside objects/, another bucket or prefix,',
    'through a link) stays journalled and is an error.',
    '--json prints {blobs, bytes, renamed, errors, leftAlone, warnings}. Exits 1 when errors remain (the',
    'entries stay journalled).',
  ],
  options: ['json'],
  positionals: { min: 0, max: 0 },
  run: ({ args, settings, graceSeconds }) =>
    withService(
      settings,
      graceSeconds,
      async (service) => {
        const drained = await service.resume();
        if (args.values.json) {
          printJson(drained);
        } else {
          for (const warning of drained.warnings) note(`warning: ${warning}`);
          for (const error of drained.errors) note(`error: ${error}`);
          say(
            `resume: ${drained.blobs} blobs deleted (${formatBytes(drained.bytes)}), ` +
              `${drained.renamed} kept because a row names them again, ${drained.errors.length} errors`,
          );
        }
        return drained.errors.length > 0 ? EXIT.failed : EXIT.done;
      },
      { writes: 'resume' },
    ),
};
