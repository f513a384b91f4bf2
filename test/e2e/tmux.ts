/** A program in a tmux session of its own (a private server), typed at and read as a person would. */
import { spawnSync } from 'node:child_process';

export interface Tmux {
  /** Named keys, one per argument: `Enter`, `Escape`, `C-c`, or a single character. */
  keys(...keys: string[]): void;
  /** Text typed as it is. */
  type(text: string): void;
  /** The screen as text. */
  capture(): string;
  /** Polls the screen until it matches; fails with the last screen. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(): void;
}

let sessions = 0;

/** Starts `command` (argv) in a fresh tmux server; when it ends the pane says `musehub-gc exited <code>` and stays. */
export function startTmux(command: string[], size: { columns: number; rows: number }): Tmux {
  const socket = `musehub-gc-e2e-${process.pid}-${++sessions}`;
  const tmux = (...args: string[]) => {
    const result = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr}`);
    return result.stdout;
  };
  const quoted = command.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(' ');
  tmux(
    'new-session',
    '-d',
    '-s',
    'console',
    '-x',
    String(size.columns),
    '-y',
    String(size.rows),
    `${quoted}; echo "musehub-gc exited $?"; sleep 600`,
  );
  const capture = () => tmux('capture-pane', '-p', '-t', 'console');
  return {
    keys: (...keys) => void tmux('send-keys', '-t', 'console', ...keys),
    type: (text) => void tmux('send-keys', '-t', 'console', '-l', text),
    capture,
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const screen = capture();
        if (pattern.test(screen)) return screen;
        if (Date.now() > deadline) throw new Error(`the console never showed ${pattern}; last screen:\n${screen}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    kill: () => {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
    },
  };
}
