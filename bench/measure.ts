/**
 * What every benchmark measures by: the built CLI run as an operator runs it, in a process of
 * its own whose peak RSS GNU time reports, and the floor, the time PostgreSQL alone needs to
 * hand over what liveness reads.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** One run of the built CLI: its wall time, peak RSS and output. */
export interface CliRun {
  seconds: number;
  rssMiB: number;
  stdout: string;
}

/** Runs `musehub-gc args…` under /usr/bin/time; exit codes in `accept` count as success. */
export function cli(args: string[], env: Record<string, string>, accept: readonly number[] = [0]): CliRun {
  const timing = join(tmpdir(), `mhgc-bench-time-${process.pid}`);
  const run = spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', timing, process.execPath, CLI, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its progress on stderr would garble the report; it matters only when the run failed.
  if (!accept.includes(run.status ?? -1))
    throw new Error(`musehub-gc ${args.join(' ')} exited ${run.status}: ${run.stderr.slice(-2000)}`);
  const [elapsed, rss] = readFileSync(timing, 'utf8').trim().split('\n').at(-1)!.split(' ');
  rmSync(timing, { force: true });
  return { seconds: Number(elapsed), rssMiB: Math.round(Number(rss) / 1024), stdout: run.stdout };
}

/**
 * Time for PostgreSQL alone to hand over what liveness needs: the commits with their parents,
 * and the manifests. In COPY's text format (as the floor was first measured), and in its
 * binary one, which carries bytea as it is and is the fastest read there is.
 */
export async function floorMs(url: string, format: 'text' | 'binary'): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  for (const query of [
    'select commit_id, parent_ids from musehub_commits',
    'select snapshot_id, manifest_blob from musehub_snapshots',
  ]) {
    const stream = client.query(
      copyTo(`copy (${query}) to stdout${format === 'binary' ? ' with (format binary)' : ''}`),
    );
    for await (const chunk of stream) void chunk;
  }
  const elapsed = performance.now() - started;
  await client.end();
  return elapsed;
}

/** `12,345/s`. */
export function perSecond(count: number, seconds: number): string {
  return `${Math.round(count / seconds).toLocaleString('en')}/s`;
}

/** The steps of a profile, slowest first, as `read commits 0.4 s, …`. */
export function breakdown(profile: Record<string, number>): string {
  return Object.entries(profile)
    .sort((a, b) => b[1] - a[1])
    .map(([step, s]) => `${step} ${s.toFixed(2)} s`)
    .join(', ');
}
