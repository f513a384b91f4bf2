/** The help texts: the program's, and each command's. */
import { checkCommand } from './check.js';
import type { Command } from './command.js';
import { demoCommand } from './demo.js';
import { historyCommand } from './history.js';
import { journalCommand } from './journal.js';
import { planCommand } from './plan.js';
import { reposCommand } from './repos.js';
import { resumeCommand } from './resume.js';
import { runCommand } from './run.js';
import { sweepCommand } from './sweep.js';
import { whyCommand } from './why.js';

/** The headless commands, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [
  reposCommand,
  planCommand,
  whyCommand,
  runCommand,
  historyCommand,
  resumeCommand,
  journalCommand,
  checkCommand,
  sweepCommand,
  demoCommand,
];

const GLOBAL_HELP = [
  'Options (every command):',
  "  --database-url URL  MuseHub's PostgreSQL (postgres://user:pass@host:5432/db); else $DATABASE_URL;",
  '                      else the embedded demo hub in $XDG_CACHE_HOME/musehub-gc, created on first start',
  '  --storage URL       the blob store (file:///abs/dir or s3://bucket?endpoint=…&region=…&prefix=…);',
  '                      else $MUSEHUB_STORAGE; the embedded hub defaults to its own blobs/ directory.',
  '                      On a server without one, repos/plan/history/check work; run, resume, sweep',
  '                      and check --blobs need it. Blobs are deleted only under objects/ of the',
  '                      directory, or of the bucket and prefix; &allow-bucket=NAME (repeatable) adds',
  '                      a bucket, under the same prefix (docs/storage-safety.md)',
  '  --grace DURATION    rows younger than this are never deleted (0, 30m, 1h, 2d; default 1h; sweep: 24h)',
  "  -h, --help          this help, or a command's: musehub-gc <command> --help",
  '  --version           the version',
];

const EXIT_HELP = [
  'Exit codes:',
  '  0    done (run --all: every repo done, or skipped as another process holds or collected it;',
  '       check: every repo checked is clean)',
  '  1    failed: errors during the run (blobs kept in the journal, a phase failed), check found problems,',
  "       a sweep's listing failed, an unreachable server or store, a database that refuses the user (no",
  "       CREATE for the tool's tables) or is read-only to a command that writes, or an unexpected error;",
  '       run --all: any repo failed',
  '  2    usage: bad arguments, unknown repo, a malformed URL, no blob store for run/resume/sweep, no terminal',
  "  3    refused: the repo's GC lock or the embedded hub's lock is held, a requested phase was refused",
  '       (a manifest that does not decode), or a phase or a sweep was declined at its prompt or stopped;',
  '       run --all: a repo was refused a phase, or Ctrl-C stopped the pass before every repo was started',
  '  130  interrupted (Ctrl-C)',
];

/** One line per command: usage and summary. */
function commandList(): string[] {
  return COMMANDS.map((command) => `  ${command.usage}\n      ${command.summary}`);
}

export function programHelp(): string {
  return [
    'musehub-gc: garbage collection for MuseHub, as an operator console or headless commands.',
    '',
    'Usage:',
    '  musehub-gc [--read-only]   the console (needs a terminal); --read-only never deletes',
    ...commandList(),
    '',
    ...GLOBAL_HELP,
    '',
    ...EXIT_HELP,
  ].join('\n');
}

export function commandHelp(command: Command): string {
  return [
    `Usage: ${command.usage}`,
    '',
    command.summary,
    '',
    ...command.details,
    '',
    ...GLOBAL_HELP,
    '',
    ...EXIT_HELP,
  ].join('\n');
}
