/**
 * How fast musehub-gc starts, measured from the outside, each beside a floor measured in the same run:
 *
 * - process start to first query: the built CLI's `repos --json` talks to PostgreSQL through a
 *   proxy here that notes when the first query message (simple or extended protocol) arrives;
 *   the floor is `node -e 0` and a bare `pg` connect-and-query through the same proxy;
 * - process start to the first frame with repos: the console on a pseudo-terminal (util-linux
 *   `script`), its output read until a frame counts the repos, on the many-repo server hub and on
 *   the embedded demo hub (warm, and a first start on an empty cache, whose first words are timed too).
 *
 * Each is run several times; the report gives the median and the fastest, and the CPU time the program
 * had used by then (its processes' user and system time, from /proc): on a busy machine the wall
 * time stretches with the queue for the cores, the CPU time much less.
 *
 *   tsx bench/start.ts [--repos 10000] [--times 5]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildManyRepos } from '../src/demo/big-hub.js';
import { CLI } from './measure.js';
import { benchTemplate, databaseUrl, freshCopy } from './templates.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** CPU milliseconds (user and system) the process `pid` and its descendants have used so far; 0 once gone. */
function cpuMs(pid: number): number {
  try {
    // The fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in clock ticks.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const own = (Number(fields[11]) + Number(fields[12])) * 10;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean);
    return children.reduce((sum, child) => sum + cpuMs(Number(child)), own);
  } catch {
    return 0;
  }
}

/** When something was seen, from the spawn, and the CPU time its process had used by then. */
interface Moment {
  ms: number;
  cpuMs: number;
}

/** A TCP proxy in front of PostgreSQL that notes when the first query message of any connection arrives. */
interface QueryWatch {
  /** `url` with its host and port turned to the proxy's. */
  via(url: string): string;
  /** Forget what was seen: watch for process `pid`, spawned at `started`. */
  arm(pid: number, started: number): void;
  firstQuery(): Moment | undefined;
  close(): Promise<void>;
}

async function watchQueries(upstream: URL): Promise<QueryWatch> {
  let first: Moment | undefined;
  let watched = { pid: 0, started: 0 };
  const server: Server = createServer((client) => {
    const backend = createConnection({ host: upstream.hostname, port: Number(upstream.port || 5432) });
    client.pipe(backend).on('error', () => client.destroy());
    backend.pipe(client).on('error', () => backend.destroy());
    client.on('error', () => backend.destroy());
    backend.on('error', () => client.destroy());
    // Messages from the client: the startup packet has no type byte; every later one is a type and a length.
    let pending = Buffer.alloc(0);
    let started = false;
    client.on('data', (chunk: Buffer) => {
      if (first !== undefined) return;
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const headerBytes = started ? 5 : 4;
        if (pending.length < headerBytes) return;
        const length = pending.readInt32BE(started ? 1 : 0) + (started ? 1 : 0);
        if (started && (pending[0] === 0x51 || pending[0] === 0x50)) {
          // 'Q' simple query, 'P' parse
          first = { ms: performance.now() - watched.started, cpuMs: cpuMs(watched.pid) };
          return;
        }
        if (pending.length < length) return;
        pending = pending.subarray(length);
        started = true;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    via(url) {
      const proxied = new URL(url);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(port);
      return proxied.toString();
    },
    arm(pid, started) {
      first = undefined;
      watched = { pid, started };
    },
    firstQuery: () => first,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Milliseconds from spawning `node args…` to its exit, and to its first query when `watch` saw one. */
function timeNode(
  args: string[],
  env: Record<string, string>,
  watch?: QueryWatch,
): Promise<{ exitMs: number; query?: Moment }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  watch?.arm(child.pid!, started);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      const exitMs = performance.now() - started;
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
      resolve({ exitMs, query: watch?.firstQuery() });
    }),
  );
}

/** The text a terminal was sent, without its escape sequences. */
function plain(output: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC (\x1b) starts the terminal escapes this strips.
  return output.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[=>78]/g, '');
}

/** A frame of the repos list, loaded: `12 of 12 repos`. */
const REPOS_FRAME = /[1-9][\d,]* of [\d,]+ repos/;

/**
 * Milliseconds from spawning `command` on a 120x40 pseudo-terminal to its first output, and to the
 * first output matching `frame`; then the process group is ended.
 */
function timeTerminal(
  command: string[],
  env: Record<string, string>,
  frame: RegExp,
  timeoutMs = 120_000,
): Promise<{ firstOutputMs: number; frame: Moment }> {
  const quoted = command.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  const started = performance.now();
  // stdin stays open and idle, as a person's terminal is; `script` gives the console its pseudo-terminal.
  const child = spawn('script', ['-qfec', `stty cols 120 rows 40; exec ${quoted}`, '/dev/null'], {
    cwd: ROOT,
    env: { ...process.env, TERM: 'xterm-256color', ...env },
    detached: true,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  let output = '';
  let firstOutputMs: number | undefined;
  let shown: Moment | undefined;
  return new Promise((resolve, reject) => {
    // `q` quits the console as a person would, so that the embedded hub closes cleanly; a kill if it does not.
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), timeoutMs);
    const end = () => {
      child.stdin.write('q');
      const kill = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 10_000);
      child.on('exit', () => clearTimeout(kill));
    };
    child.stdout.on('data', (chunk: Buffer) => {
      const now = performance.now() - started;
      firstOutputMs ??= now;
      output += chunk.toString('utf8');
      if (shown === undefined && frame.test(plain(output))) {
        shown = { ms: now, cpuMs: cpuMs(child.pid!) };
        end();
      }
    });
    // Resolves once it has ended, so that the next run does not find the embedded hub still locked.
    child.on('exit', () => {
      clearTimeout(timer);
      if (shown !== undefined) resolve({ firstOutputMs: firstOutputMs!, frame: shown });
      else reject(new Error(`${command.join(' ')} ended without ${frame}; it showed:\n${plain(output).slice(-2000)}`));
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** `412 ms (fastest 380)`, or with `cpu` `412 ms (fastest 380; CPU 150 ms)`, the median of those. */
function spread(values: number[], cpu?: number[]): string {
  const used = cpu ? `; CPU ${median(cpu).toFixed(0)} ms` : '';
  return `${median(values).toFixed(0).padStart(5)} ms (fastest ${Math.min(...values).toFixed(0)}${used})`;
}

/** The spread of moments: their wall times, and the CPU time used by each. */
function moments(seen: Moment[]): string {
  return spread(
    seen.map((moment) => moment.ms),
    seen.map((moment) => moment.cpuMs),
  );
}

async function repeat<T>(times: number, measure: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < times; i++) results.push(await measure());
  return results;
}

/** Measures the starts; `report` gets each line as it is measured. */
export async function benchStart(
  adminUrl: string,
  report: (line: string) => void,
  options: { repos?: number; times?: number } = {},
): Promise<void> {
  const repos = options.repos ?? 10_000;
  const times = options.times ?? 5;
  const name = await benchTemplate(adminUrl, `musehub_gc_bench_repos_${repos}`, (db) => buildManyRepos(db, { repos }));
  const url = databaseUrl(adminUrl, await freshCopy(adminUrl, name));
  const watch = await watchQueries(new URL(url));
  const cache = mkdtempSync(join(tmpdir(), 'mhgc-bench-start-'));
  const cli = (...args: string[]) => [process.execPath, CLI, ...args];
  try {
    report(`start, measured from the outside (${times} runs each; median, fastest):`);
    const nodeFloor = (await repeat(times, () => timeNode(['-e', '0'], {}))).map((run) => run.exitMs);
    report(`  floor: node -e 0 starts and exits               ${spread(nodeFloor)}`);
    const bare = `const { default: pg } = await import('pg');
      const c = new pg.Client({ connectionString: process.env.URL });
      await c.connect(); await c.query('select 1'); await c.end();`;
    const proxied = { URL: watch.via(url), DATABASE_URL: watch.via(url) };
    const pgFloor = await repeat(times, () => timeNode(['--input-type=module', '-e', bare], proxied, watch));
    report(`  floor: node loads pg, connects, first query     ${moments(pgFloor.map((run) => run.query!))}`);
    const help = (await repeat(times, () => timeNode([CLI, '--help'], {}))).map((run) => run.exitMs);
    report(`  musehub-gc --help, start to exit                ${spread(help)}`);
    const listed = await repeat(times, () => timeNode([CLI, 'repos', '--json'], proxied, watch));
    report(
      `  musehub-gc repos --json (${repos.toLocaleString('en')}-repo server hub): ` +
        `start to first query ${moments(listed.map((run) => run.query!))}, ` +
        `to exit ${spread(listed.map((run) => run.exitMs))}`,
    );

    const onServer = await repeat(times, () => timeTerminal(cli('--read-only'), { DATABASE_URL: url }, REPOS_FRAME));
    report(
      `  console, ${repos.toLocaleString('en')}-repo server hub: start to the first frame with repos ` +
        `${moments(onServer.map((run) => run.frame))}`,
    );

    const demoEnv = { XDG_CACHE_HOME: cache, DATABASE_URL: '', MUSEHUB_STORAGE: '' };
    const firstStart = await timeTerminal(cli('--read-only'), demoEnv, REPOS_FRAME);
    report(
      '  console, embedded demo, first start (empty cache): ' +
        `first words ${firstStart.firstOutputMs.toFixed(0)} ms, the first frame with repos ${firstStart.frame.ms.toFixed(0)} ms`,
    );
    const demo = await repeat(times, () => timeTerminal(cli('--read-only'), demoEnv, REPOS_FRAME));
    report(
      `  console, embedded demo, warm: start to the first frame with repos   ${moments(demo.map((run) => run.frame))}`,
    );
    const npmStart = await repeat(times, () =>
      timeTerminal(['npm', 'start', '--silent', '--', '--read-only'], demoEnv, REPOS_FRAME),
    );
    report(
      '  npm start, embedded demo, warm (dist up to date): to the first frame  ' +
        `${moments(npmStart.map((run) => run.frame))}`,
    );
  } finally {
    await watch.close();
    rmSync(cache, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      repos: { type: 'string', default: '10000' },
      times: { type: 'string', default: '5' },
    },
  });
  const { execFileSync } = await import('node:child_process');
  execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  await benchStart(adminUrl, (line) => console.log(line), { repos: Number(values.repos), times: Number(values.times) });
}
