/**
 * `musehub-gc journal`: what the blob journal holds and why; `journal drop` takes out what no
 * store will ever delete, into the drop history that `journal dropped` lists.
 */
import { UsageError } from '../errors.js';
import type { GcService, JournalDropTarget, JournalEntryView } from '../gc/service.js';
import { formatBytes } from '../present/units.js';
import { counted } from '../present/words.js';
import { EXIT, type Command } from './command.js';
import { withService } from './hub.js';
import { note, printJson, say, table } from './output.js';
import { askYes } from './prompt.js';

const USAGE = 'musehub-gc journal [drop (<entry-id>… | refused) [--yes] | dropped] [--json]';
/** Refused blobs listed under an entry; --json lists them all. */
const REFUSED_SHOWN = 5;
/** The statuses of entries the configured store never deletes. */
const STUCK = new Set(['no-store', 'other-store', 'refused']);

export const journalCommand: Command = {
  name: 'journal',
  usage: USAGE,
  summary: "List the blob journal's entries and why each is still there; drop those no store will ever delete.",
  details: [
    'musehub-gc journal lists each entry: its id, kind, blobs and bytes, the store it belongs to, and why it',
    'is still there: pending (not tried yet: resume deletes it), failing (the last error), refused (the store',
    'will not delete some of its blobs: outside objects/, another bucket or prefix, through a link), other-store',
    "(another store's: runs, resume and sweep here leave it alone), no-store (written before entries named",
    'their store: no store deletes it).',
    'musehub-gc journal drop <entry-id>… takes those entries out of the journal; journal drop refused takes out',
    'the blobs this store refuses, from its own entries. A drop deletes no blob: a blob that no row names is a',
    'stray, and `sweep` deletes it from its own store. Each drop is recorded (who, when, which blobs, why):',
    'musehub-gc journal dropped lists them. On a terminal drop asks first; without one it needs --yes.',
    '--json prints the entries, the drop ({entries, blobs, bytes}) or the drops.',
  ],
  options: ['json', 'yes'],
  positionals: { min: 0, max: Number.POSITIVE_INFINITY },
  run: ({ args, settings, graceSeconds }) => {
    const [action, ...rest] = args.positionals;
    const json = args.values.json ?? false;
    if (action === undefined || action === 'dropped') {
      if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}; usage: ${USAGE}`);
      if (args.values.yes) throw new UsageError(`--yes is for journal drop; usage: ${USAGE}`);
      return withService(settings, graceSeconds, (service) =>
        action ? listDrops(service, json) : listEntries(service, json),
      );
    }
    if (action !== 'drop') throw new UsageError(`no journal action ${JSON.stringify(action)}; usage: ${USAGE}`);
    const target = dropTarget(rest);
    if (!args.values.yes && !(process.stdin.isTTY && process.stderr.isTTY)) {
      throw new UsageError(
        'journal drop asks first and there is no terminal to ask on: ' + 'pass --yes to drop without asking',
      );
    }
    return withService(settings, graceSeconds, (service) => drop(service, target, !args.values.yes, json));
  },
};

function dropTarget(words: string[]): JournalDropTarget {
  if (words.length === 0) throw new UsageError(`journal drop wants entry ids or the word refused; usage: ${USAGE}`);
  if (words.includes('refused')) {
    if (words.length > 1) throw new UsageError('journal drop takes entry ids or refused, not both');
    return { refused: true };
  }
  return { entryIds: words };
}

async function listEntries(service: GcService, json: boolean): Promise<number> {
  const entries = await service.journal();
  if (json) {
    printJson(entries);
    return EXIT.done;
  }
  if (!service.canCollect) {
    note("no blob store configured: which entries are another store's cannot be told (set MUSEHUB_STORAGE)");
  }
  if (entries.length === 0) {
    say('the journal is empty');
    return EXIT.done;
  }
  const rows = entries.map((entry) => [
    entry.entryId,
    entry.kind,
    String(entry.blobs),
    formatBytes(entry.bytes),
    entry.createdAt.slice(0, 16).replace('T', ' '),
    entry.status,
  ]);
  const lines = table(['ENTRY', 'KIND', 'BLOBS', 'BYTES', 'WRITTEN', 'STATUS'], rows, new Set([0, 2, 3]));
  say(lines[0]);
  entries.forEach((entry, i) => {
    say(lines[i + 1]);
    say(`    ${entry.why}`);
    if (entry.store !== null) say(`    store: ${entry.store}`);
    for (const blob of entry.refused.slice(0, REFUSED_SHOWN)) say(`    refused: ${blob.storageUri ?? blob.id}`);
    const unshown = entry.refused.length - REFUSED_SHOWN;
    if (unshown > 0) say(`    … and ${unshown} more (--json lists them all)`);
  });
  const stuck = entries.filter((entry) => STUCK.has(entry.status));
  const blobs = entries.reduce((sum, entry) => sum + entry.blobs, 0);
  say(
    `${counted(entries.length, 'entry', 'entries')} (${counted(blobs, 'blob')}); ` +
      `${stuck.length} that this store will never delete: ` +
      'musehub-gc journal drop <entry-id>… (or refused) takes them out',
  );
  return EXIT.done;
}

async function drop(service: GcService, target: JournalDropTarget, ask: boolean, json: boolean): Promise<number> {
  if (ask) {
    const question = await dropQuestion(service, target);
    if (question === undefined) {
      say('nothing to drop: this store refuses none of its journalled blobs');
      return EXIT.done;
    }
    if (!(await askYes(question))) {
      note('nothing was dropped');
      return EXIT.refused;
    }
  }
  const dropped = await service.dropJournal(target);
  if (json) printJson(dropped);
  else {
    say(
      `dropped ${counted(dropped.blobs, 'blob')} (${formatBytes(dropped.bytes)}) from ` +
        `${counted(dropped.entries, 'journal entry', 'journal entries')}, deleting none; ` +
        'recorded: musehub-gc journal dropped',
    );
  }
  return EXIT.done;
}

/** The question before a drop, naming what goes; undefined when `refused` finds nothing. */
async function dropQuestion(service: GcService, target: JournalDropTarget): Promise<string | undefined> {
  const entries = await service.journal();
  if ('refused' in target) {
    const refused = entries.flatMap((entry) => entry.refused);
    if (refused.length === 0) return undefined;
    return (
      `Drop ${counted(refused.length, 'blob')} the store refuses from the journal ` +
      '(their blobs stay where they are)? [y/N] '
    );
  }
  const named = entries.filter((entry) => target.entryIds.includes(entry.entryId));
  for (const entry of named) {
    note(`entry ${entry.entryId}: ${entry.kind}, ${counted(entry.blobs, 'blob')}, ${entry.status}: ${entry.why}`);
  }
  const pending = named.filter((entry: JournalEntryView) => !STUCK.has(entry.status));
  if (pending.length > 0) {
    note(
      `warning: resume would still delete the blobs of entry ${pending.map((entry) => entry.entryId).join(', ')}; ` +
        'dropped, they wait for sweep',
    );
  }
  return (
    `Drop ${counted(target.entryIds.length, 'journal entry', 'journal entries')} ` +
    '(their blobs stay where they are)? [y/N] '
  );
}

async function listDrops(service: GcService, json: boolean): Promise<number> {
  const drops = await service.journalDrops();
  if (json) {
    printJson(drops);
    return EXIT.done;
  }
  if (drops.length === 0) {
    say('nothing was ever dropped from the journal');
    return EXIT.done;
  }
  for (const dropped of drops) {
    say(
      `${dropped.droppedAt} ${dropped.droppedBy} dropped ${counted(dropped.blobIds.length, 'blob')} ` +
        `(${formatBytes(dropped.bytes)}) of entry ${dropped.entryId} (${dropped.kind}, run ${dropped.runId}): ` +
        dropped.reason,
    );
  }
  return EXIT.done;
}
