/**
 * The command a hint tells the operator to type to do a thing headless, as it works from where the
 * console was started: `npm start -- …` from a clone, `npx musehub-gc …` where the package is a
 * dependency, `musehub-gc …` where it is on PATH, the script itself otherwise.
 */
import { basename, sep } from 'node:path';

/** How this process was started: npm's lifecycle event (`start` under `npm start`) and the script node ran. */
export interface Launch {
  lifecycle: string | undefined;
  script: string | undefined;
}

export function launchOf(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): Launch {
  return { lifecycle: env.npm_lifecycle_event, script: argv[1] };
}

/** `args` (`run --plan /abs/F`) as a command line that runs musehub-gc the way this console was started. */
export function headlessCommand(args: string, launch: Launch = launchOf()): string {
  const { lifecycle, script } = launch;
  if (lifecycle === 'start') return `npm start -- ${args}`;
  if (script && basename(script) === 'musehub-gc') {
    return script.includes(`${sep}node_modules${sep}.bin${sep}`) ? `npx musehub-gc ${args}` : `musehub-gc ${args}`;
  }
  if (script?.endsWith('.js')) return `node ${script} ${args}`;
  if (script?.endsWith('.ts') || script?.endsWith('.tsx')) return `npx tsx ${script} ${args}`;
  return `npx musehub-gc ${args}`;
}
