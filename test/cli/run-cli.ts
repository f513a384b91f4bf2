/** Runs the real CLI as a child process, without a terminal, and collects what it says. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `musehub-gc ...args` with `env` over an environment cleared of the hub's variables. */
export function cli(args: string[], env: Record<string, string> = {}): Promise<CliOutcome> {
  const base = { ...process.env };
  for (const name of ['DATABASE_URL', 'MUSEHUB_STORAGE', 'XDG_CACHE_HOME']) delete base[name];
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', 'src/cli.tsx', ...args],
      { cwd: ROOT, env: { ...base, ...env }, maxBuffer: 64 * 1024 * 1024 },
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
