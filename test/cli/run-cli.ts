/** Runs the real CLI as a child process, without a terminal, and collects what it says. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `env` over an environment cleared of the hub's variables. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of ['DATABASE_URL', 'MUSEHUB_STORAGE', 'XDG_CACHE_HOME']) delete base[name];
  return { ...base, ...env };
}

const COMMAND = ['--import', 'tsx', 'src/cli.tsx'];

/** `musehub-gc ...args`, run to its end. */
export function cli(args: string[], env: Record<string, string> = {}): Promise<CliOutcome> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [...COMMAND, ...args],
      { cwd: ROOT, env: childEnv(env), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    child.stdin?.end();
  });
}

/** The lines of stderr, without a trailing empty one. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

/** `musehub-gc ...args`, started: for tests that signal it while it runs. */
export function startCli(args: string[], env: Record<string, string> = {}): { child: ChildProcess; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [...COMMAND, ...args], { cwd: ROOT, env: childEnv(env), stdio: 'ignore' });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exit };
}
