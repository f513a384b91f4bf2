/**
 * `check` and `sweep` as a cron job runs them: against a PostgreSQL server holding the
 * demo hub and a file blob store, without a terminal. What they print, and what they exit with.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, DEMO_STRAY, seedDemoHub } from '../../src/demo/demo-hub.js';
import type { CheckReport, SweepResult } from '../../src/gc/service.js';
import { FileBlobStore } from '../../src/storage/file-store.js';
import { serverTarget, type TestDatabase } from '../support/databases.js';
import { cli, lines } from './run-cli.js';
import type { SnakeCased } from '../../src/commands/output.js';

describe.each(await serverTarget())('check and sweep on $name', (target) => {
  let test: TestDatabase;
  let blobDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    test = await target.create();
    blobDir = mkdtempSync(join(tmpdir(), 'mhgc-cli-sweep-'));
    await seedDemoHub(test.db, new FileBlobStore(blobDir));
    env = { DATABASE_URL: test.url, MUSEHUB_STORAGE: pathToFileURL(blobDir).href };
  });

  afterAll(async () => {
    await test?.drop();
    rmSync(blobDir, { recursive: true, force: true });
  });

  it('check exits 0 on a clean repo, 1 with a line per kind when it finds problems, 2 without a target', async () => {
    const clean = await cli(['check', DEMO.clean], env);
    expect(clean.code).toBe(0);
    expect(lines(clean.stdout)).toEqual([
      `${DEMO.clean}: clean`,
      expect.stringMatching(/^checked 1 repo of .*: 1 clean, 0 with problems$/),
    ]);

    const all = await cli(['check', '--all', '--json'], env);
    expect(all.code).toBe(1);
    const report = JSON.parse(all.stdout) as SnakeCased<CheckReport>;
    expect(
      report.repos.filter((result) => !result.clean).map((result) => `${result.repo.owner}/${result.repo.slug}`),
    ).toEqual([DEMO.corrupt]);

    const corrupt = await cli(['check', DEMO.corrupt], env);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stdout).toMatch(/^ {2}1 live snapshot whose manifest cannot be read/m);

    const neither = await cli(['check'], env);
    expect(neither.code).toBe(2);
    expect(lines(neither.stderr)).toEqual([expect.stringMatching(/^musehub-gc: name one repo, or --all/)]);
  });

  it('sweep wants --yes without a terminal, lists with --dry-run, and deletes only the old stray', async () => {
    const stray = join(blobDir, 'objects', `sha256_${'a'.repeat(64)}`);
    const fresh = join(blobDir, 'objects', `sha256_${'b'.repeat(64)}`);
    writeFileSync(stray, 'stray');
    writeFileSync(fresh, 'fresh');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(stray, twoDaysAgo, twoDaysAgo);

    const asked = await cli(['sweep'], env);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toMatch(/pass --yes/);

    // The demo's own stray (an upload that died two days ago) and this one; not the fresh one.
    const demoStray = `objects/${DEMO_STRAY.id.replace(':', '_')}\t${DEMO_STRAY.size}`;
    const dry = await cli(['sweep', '--dry-run'], env);
    expect(dry.code).toBe(0);
    const listed = lines(dry.stdout);
    expect(listed[0]).toMatch(
      /^listed \d+ keys .* under objects\/: \d+ named by rows, 1 younger than 1d, 2 strays \(4\.0 KiB\)$/,
    );
    expect(listed.slice(1, 3).sort()).toEqual([`objects/sha256_${'a'.repeat(64)}\t5`, demoStray].sort());
    expect(listed[3]).toMatch(/^dry run: would delete 2 keys, in /);
    expect(listed).toHaveLength(4);

    const swept = await cli(['sweep', '--yes', '--json'], env);
    expect(swept.code).toBe(0);
    expect(JSON.parse(swept.stdout) as SnakeCased<SweepResult>).toMatchObject({
      outcome: 'done',
      deleted: 2,
      deleted_bytes: 5 + DEMO_STRAY.size,
      young: 1,
      errors: [],
    });
    const again = await cli(['sweep', '--dry-run', '--json'], env);
    expect(JSON.parse(again.stdout) as SnakeCased<SweepResult>).toMatchObject({ candidates: 0, young: 1 });
  });
});
