/**
 * `musehub-gc sweep`: deletes the blob store's keys under objects/ that no row names and
 * that are older than the grace period (24h unless --grace says otherwise).
 */
import { parseDuration } from '../gc/duration.js';
import type { SweepFound, SweepResult } from '../gc/service.js';
import { SWEEP_GRACE_SECONDS } from '../gc/sweep/types.js';
import { UsageError } from '../errors.js';
import { describeResumed } from '../present/run.js';
import { describeStrays, describeSweepFound, describeSweepProgress, describeSweepResult } from '../present/sweep.js';
import { formatBytes } from '../present/units.js';
import { counted } from '../present/words.js';
import { EXIT, type Command } from './command.js';
import { withService } from './hub.js';
import { onWindDown } from './interrupt.js';
import { printJson, say } from './output.js';
import { askYes } from './prompt.js';
import { StatusLine } from './status-line.js';

export const sweepCommand: Command = {
  name: 'sweep',
  usage: 'musehub-gc sweep [--dry-run] [--yes] [--grace 24h] [--json]',
  summary: "Delete the blob store's keys under objects/ that no row names, older than the grace period.",
  details: [
    'Lists the whole store under objects/ (S3: ListObjectsV2 over key ranges in parallel), compares the',
    'listing with the rows inside PostgreSQL, and deletes each key that no object row (by object_id or',
    'storage_uri) and no fetch-pack cache row (by mpack_id) names and that was last modified before now',
    'minus --grace (default 24h here: an upload writes its blob before its row). Batch by batch it checks',
    'the rows again and journals the keys in one transaction, then deletes them through the journal, as',
    'GC deletes blobs. It never deletes a key outside objects/, and deletes nothing when the listing fails',
    'part-way (exit 1): a partial listing proves nothing.',
    'On a terminal it asks once the strays are known (default no); without one it needs --yes.',
    '--dry-run lists each key it would delete on stdout and deletes nothing (with --json, only the counts).',
    '--json prints the SweepResult at the end: {listed, listed_bytes, named, young, candidates, candidate_bytes,',
    'kept_on_recheck, deleted, deleted_bytes, outcome, errors, …}; progress goes to stderr.',
    'Ctrl-C stops after the batch being deleted. Exits 1 when a key could not be deleted (it stays',
    'journalled for `musehub-gc resume`), 3 when declined or stopped.',
  ],
  options: ['json', 'yes', 'dry-run'],
  positionals: { min: 0, max: 0 },
  run: ({ args, settings }) => {
    const graceSeconds = args.values.grace === undefined ? SWEEP_GRACE_SECONDS : parseDuration(args.values.grace);
    const dryRun = args.values['dry-run'] ?? false;
    const json = args.values.json ?? false;
    const ask = !args.values.yes && !dryRun;
    if (ask && !(process.stdin.isTTY && process.stderr.isTTY)) {
      throw new UsageError(
        'sweep asks before deleting and there is no terminal to ask on: pass --yes to delete ' +
          'without asking (or --dry-run to see what it would delete)',
      );
    }
    return withService(
      settings,
      graceSeconds,
      async (service) => {
        const progress = new StatusLine(json ? process.stderr : process.stdout, process.stderr);
        const stopping = new AbortController();
        const stopWindDown = onWindDown(() => stopping.abort());
        const confirm = ask
          ? async (found: SweepFound) => {
              progress.clear();
              return askYes(`Delete ${describeStrays(found)} that no row names from ${service.label}'s store? [y/N] `);
            }
          : undefined;
        let result: SweepResult;
        try {
          const sweep = service.sweep({ graceSeconds, dryRun, confirm, signal: stopping.signal });
          for (;;) {
            const next = await sweep.next();
            if (next.done) {
              result = next.value;
              break;
            }
            const event = next.value;
            if (event.type === 'journal-resumed') progress.line(describeResumed(event));
            else if (event.type === 'listing')
              progress.status(`listed ${counted(event.listed, 'key')} (${formatBytes(event.bytes)})`);
            else if (event.type === 'compared') {
              progress.line(describeSweepFound(event.found, graceSeconds));
              if (event.found.odd > 0) {
                progress.problem(
                  `warning: ${counted(event.found.odd, 'key')} under objects/ left alone: no blob reference ` +
                    'can name them safely (an empty segment, .., a backslash); look at them by hand',
                );
              }
            } else if (event.type === 'batch' && event.dryRun && !json)
              for (const key of event.keys) say(`${key.key}\t${key.size}`);
            else if (event.type === 'progress') {
              progress.status(describeSweepProgress(event));
            } else if (event.type === 'error') progress.problem(`error: ${event.message}`);
            else if (event.type === 'warning') progress.problem(`warning: ${event.message}`);
          }
        } finally {
          stopWindDown();
        }
        for (const error of result.errors) progress.problem(`error: ${error}`);
        if (json) printJson(result);
        else progress.line(describeSweepResult(result));
        if (result.outcome === 'failed' || result.errors.length > 0) return EXIT.failed;
        return result.outcome === 'done' ? EXIT.done : EXIT.refused;
      },
      { writes: dryRun ? 'sweep --dry-run' : 'sweep' },
    );
  },
};
