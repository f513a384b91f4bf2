/**
 * The embedded demo hub through the CLI: seeded on first start under
 * XDG_CACHE_HOME, kept to one process by its lock file, rebuilt by `demo reset`.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processStart, takeLockFile } from '../../src/db/embedded.js';
import { DEMO } from '../../src/demo/demo-hub.js';
import { cli, lines, startCli } from './run-cli.js';

describe('musehub-gc on the embedded hub', () => {
  const cache = mkdtempSync(join(tmpdir(), 'mhgc-cli-cache-'));
  const hubDir = join(cache, 'musehub-gc');
  const env = { XDG_CACHE_HOME: cache };

  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  it('refuses with exit 3 while another process holds the hub, touching nothing', async () => {
    // This test process is the other process.
    const release = takeLockFile(hubDir);
    try {
      for (const args of [['repos'], ['demo', 'reset']]) {
        const outcome = await cli(args, env);
        expect(outcome.code).toBe(3);
        expect(lines(outcome.stderr)).toEqual([
          expect.stringMatching(new RegExp(`^musehub-gc: .* is already open by pid ${process.pid} `)),
        ]);
      }
      expect(existsSync(join(hubDir, 'pgdata'))).toBe(false);
    } finally {
      release();
    }
  });

  it('demo refuses when DATABASE_URL is set', async () => {
    const outcome = await cli(['demo', 'reset'], { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/musehub' });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/only touches the embedded hub/);
  });

  it('closes the hub on Ctrl-C during the first start, after seeding it whole', async () => {
    const { child, exit } = startCli(['repos'], env);
    const lock = join(hubDir, 'lock');
    while (!existsSync(lock)) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGINT');
    expect(await exit).toBe(130);
    expect(existsSync(lock)).toBe(false);
  });

  it('opens the hub the first start seeded, with its blobs beside it', async () => {
    const outcome = await cli(['repos', '--json'], env);
    expect(outcome.code).toBe(0);
    const names = (JSON.parse(outcome.stdout) as Array<{ owner: string; slug: string }>).map(
      (repo) => `${repo.owner}/${repo.slug}`,
    );
    expect(names).toContain(DEMO.forcePushed);
    expect(names).toHaveLength(12);
    expect(outcome.stderr).not.toMatch(/first start|creating/);
    expect(existsSync(join(hubDir, 'blobs', 'objects'))).toBe(true);
    // Closed on the way out: the lock is gone.
    expect(existsSync(join(hubDir, 'lock'))).toBe(false);
  });

  it.skipIf(!processStart(process.pid))(
    'takes over a lock whose pid, alive, is another process: one started at another time or boot',
    async () => {
      // This test process is alive; the lock says its pid started otherwise: the pid was reused since.
      const lock = join(hubDir, 'lock');
      mkdirSync(hubDir, { recursive: true });
      const [boot, ticks] = processStart(process.pid)!.split(' ');
      for (const started of [`${boot} ${Number(ticks) + 1}`, `00000000-0000-0000-0000-000000000000 ${ticks}`]) {
        writeFileSync(lock, `${process.pid}\n2026-01-01T00:00:00.000Z\n${started}\n`);
        const outcome = await cli(['repos', '--json'], env);
        expect(outcome.code).toBe(0);
        expect(existsSync(lock)).toBe(false);
      }
      // A lock that says no start (written before starts were recorded) naming a live pid is held.
      writeFileSync(lock, `${process.pid}\n2026-01-01T00:00:00.000Z\n`);
      try {
        const outcome = await cli(['repos'], env);
        expect(outcome.code).toBe(3);
        expect(outcome.stderr).toMatch(new RegExp(`is already open by pid ${process.pid} `));
      } finally {
        rmSync(lock, { force: true });
      }
      // Three starts of the CLI on the embedded hub.
    },
    180_000,
  );

  it('demo reset deletes the hub and builds it again', async () => {
    const stray = join(hubDir, 'blobs', 'stray-file');
    writeFileSync(stray, 'left over');
    const outcome = await cli(['demo', 'reset'], env);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/embedded demo hub in .*: 12 repos/);
    expect(existsSync(stray)).toBe(false);
    expect(existsSync(join(hubDir, 'pgdata', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(hubDir, 'lock'))).toBe(false);
  });
});
