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
    const child = execFile(
      process.execPath,
      [...COMMAND, ...args],
      { cwd: ROOT, env: childEnv(env), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

/** The lines of stderr, without a trailing empty one. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

/** `musehub-gc ...args`, started: for tests that signal it while it runs. */
export function startCli(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [...COMMAND, ...args], { cwd: ROOT, env: childEnv(env), stdio: 'ignore' });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exit };
}

/**
 * `musehub-gc ...args` on a terminal (util-linux `script` gives it a pseudo-terminal):
 * each time the output shows the next prompt of `answers`, its answer is typed.
 * Resolves to the exit code and everything the terminal showed.
 */
export function terminalCli(
  args: string[],
  env: Record<string, string>,
  answers: Array<[RegExp, string]>,
): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, ...COMMAND, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: childEnv(env) });
  // A prompt that never comes would leave it waiting for input: end it well before the test's timeout.
  const stuck = setTimeout(() => child.kill(), 40_000);
  let screen = '';
  let seen = 0;
  const pending = [...answers];
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
    const next = pending[0];
    const match = next?.[0].exec(screen.slice(seen));
    if (next && match) {
      seen += match.index + match[0].length;
      pending.shift();
      child.stdin.write(`${next[1]}\r`);
    }
  });
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(stuck);
      child.stdin.end();
      resolve({ code, screen });
    }),
  );
}
