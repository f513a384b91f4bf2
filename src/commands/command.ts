/** The shape of a headless command: its usage, its options, and what it does. */
import type { UserError } from '../errors.js';
import type { OptionName, ParsedArgs } from './args.js';
import type { HubSettings } from './hub.js';

/** What every command gets: the parsed command line, where the hub is, and the grace period. */
export interface CommandInput {
  args: ParsedArgs;
  settings: HubSettings;
  graceSeconds: number;
}

export interface Command {
  name: string;
  /** One line: `musehub-gc plan <repo> [--json] …`. */
  usage: string;
  /** What it does, in one sentence. */
  summary: string;
  /** The lines of `musehub-gc <command> --help` after the usage and summary. */
  details: string[];
  /** The options it takes besides the global ones. */
  options: readonly OptionName[];
  positionals: { min: number; max: number };
  /** Does the work; resolves to the exit code. */
  run(input: CommandInput): Promise<number>;
}

/** Exit codes, as documented in --help. */
export const EXIT = { done: 0, failed: 1, usage: 2, refused: 3 } as const;

const EXIT_OF_KIND: Record<UserError['kind'], number> = {
  usage: EXIT.usage,
  refused: EXIT.refused,
  unavailable: EXIT.failed,
};

/** The exit code of an error the operator can act on: its kind decides. */
export function exitCodeOf(error: UserError): number {
  return EXIT_OF_KIND[error.kind];
}
