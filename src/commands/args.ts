/**
 * The command line, parsed once: the command, its positionals and every option,
 * wherever it stands. Each command says which options it takes; any other is a
 * usage error (exit 2) that names the command's help.
 */
import { parseArgs } from 'node:util';
import { UsageError, messageOf } from '../errors.js';
import { PHASES, phaseNamed } from '../gc/phases/catalog.js';
import type { PhaseName } from '../gc/types.js';
import { phaseNames } from '../present/run.js';
import { didYouMean, nearest } from '../suggest.js';

/** Every option any command takes; a command accepts the globals plus its own. */
const OPTIONS = {
  'database-url': { type: 'string' },
  storage: { type: 'string' },
  grace: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  json: { type: 'boolean' },
  items: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  phases: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'read-only': { type: 'boolean' },
  out: { type: 'string' },
  plan: { type: 'string' },
  'max-plan-age': { type: 'string' },
  connections: { type: 'string' },
  all: { type: 'boolean' },
  blobs: { type: 'boolean' },
  workers: { type: 'string' },
  'metrics-file': { type: 'string' },
  report: { type: 'string' },
} as const;

export type OptionName = keyof typeof OPTIONS;

/** The options every command takes. */
export const GLOBAL_OPTIONS: readonly OptionName[] = ['database-url', 'storage', 'grace', 'help', 'version'];

export interface ParsedArgs {
  /** The first positional, or undefined for the console. */
  command: string | undefined;
  /** The positionals after the command. */
  positionals: string[];
  values: {
    'database-url'?: string;
    storage?: string;
    grace?: string;
    help?: boolean;
    version?: boolean;
    json?: boolean;
    items?: string;
    yes?: boolean;
    phases?: string;
    'dry-run'?: boolean;
    'read-only'?: boolean;
    out?: string;
    plan?: string;
    'max-plan-age'?: string;
    connections?: string;
    all?: boolean;
    blobs?: boolean;
    workers?: string;
    'metrics-file'?: string;
    report?: string;
  };
}

export function parseCommandLine(argv: readonly string[]): ParsedArgs {
  // First loosely, to say in the tool's own words what is wrong with an option; then strictly, for the values.
  const loose = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: false, tokens: true });
  for (const token of loose.tokens) if (token.kind === 'option') checkOption(token.name, token.rawName, token.value);
  const parsed = parseStrictly(argv);
  const [command, ...positionals] = parsed.positionals;
  return { command, positionals, values: parsed.values };
}

function parseStrictly(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // node's messages end in advice about '--' that does not apply here.
    const message = messageOf(error).replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${message}; see musehub-gc --help`);
  }
}

/** An option no command takes, a value missing or given where none is wanted: one line, with the nearest name. */
function checkOption(name: string, rawName: string, value: string | undefined): void {
  const option = Object.hasOwn(OPTIONS, name) ? OPTIONS[name as OptionName] : undefined;
  if (!option) {
    const near = rawName.startsWith('--') ? nearest(name, Object.keys(OPTIONS)).map((known) => `--${known}`) : [];
    throw new UsageError(`no option ${rawName}${didYouMean(near)} (musehub-gc --help lists them)`);
  }
  if (option.type === 'string' && value === undefined) throw new UsageError(`--${name} wants a value: --${name} VALUE`);
  if (option.type === 'boolean' && value !== undefined) {
    throw new UsageError(`--${name} takes no value, not ${JSON.stringify(value)}`);
  }
}

/** Refuses options the command does not take and a wrong number of positionals. */
export function requireShape(
  args: ParsedArgs,
  usage: string,
  allowed: readonly OptionName[],
  positionals: { min: number; max: number },
): void {
  for (const name of Object.keys(args.values) as OptionName[]) {
    if (!GLOBAL_OPTIONS.includes(name) && !allowed.includes(name)) {
      throw new UsageError(`${usage.split(' [')[0]} takes no --${name}; usage: ${usage}`);
    }
  }
  const count = args.positionals.length;
  if (count < positionals.min) throw new UsageError(`missing argument; usage: ${usage}`);
  if (count > positionals.max) {
    throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[positionals.max])}; usage: ${usage}`);
  }
}

/** A positive whole number option, such as --items. */
export function parseCount(name: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new UsageError(`--${name} wants a whole number of at least 1, not ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** The phases `--phases` names, in the phase table's spelling; a name it does not know is a usage error. */
export function parsePhases(text: string): PhaseName[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) {
    if (!PHASES.some((phase) => phase.name === name)) {
      throw new UsageError(`--phases: no phase ${JSON.stringify(name)}; the phases are ${phaseNames()}`);
    }
  }
  if (names.length === 0) throw new UsageError(`--phases names no phase; the phases are ${phaseNames()}`);
  return names.map((name) => phaseNamed(name as PhaseName).name);
}
