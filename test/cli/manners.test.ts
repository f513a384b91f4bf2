/**
 * The CLI's manners against the demo hub on a PostgreSQL server: `why` in words and in JSON,
 * did-you-mean for repos (and a slug two owners share), and one JSON casing, snake_case, in
 * every command's --json output.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, seedDemoHub } from '../../src/demo/demo-hub.js';
import { planGc } from '../../src/gc/plan.js';
import { findRepo } from '../../src/gc/repo.js';
import { FileBlobStore } from '../../src/storage/file-store.js';
import { serverTarget, type TestDatabase } from '../support/databases.js';
import { cli, lines } from './run-cli.js';

/** Every key of a JSON document, at any depth, that is a camelCase field name. */
function camelKeys(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => camelKeys(item, `${at}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, field]) => [
    ...(/^[a-z][a-z0-9]*[A-Z]/.test(key) ? [`${at}.${key}`] : []),
    ...camelKeys(field, `${at}.${key}`),
  ]);
}

describe.each(await serverTarget())("the CLI's manners on $name", (target) => {
  let test: TestDatabase;
  let blobDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    test = await target.create();
    blobDir = mkdtempSync(join(tmpdir(), 'mhgc-manners-'));
    await seedDemoHub(test.db, new FileBlobStore(blobDir));
    env = { DATABASE_URL: test.url, MUSEHUB_STORAGE: pathToFileURL(blobDir).href };
  });
  afterAll(async () => {
    await test?.drop();
    rmSync(blobDir, { recursive: true, force: true });
  });

  it('why says a branch head is live through its branch, and what phase 1 deletes, by a prefix', async () => {
    const head = (
      await test.db.knex().raw(
        `select b.head_commit_id as id
      from musehub_branches b join musehub_repos r using (repo_id)
      where r.owner || '/' || r.slug = ? and b.name = 'main'`,
        [DEMO.forcePushed],
      )
    ).rows[0].id as string;
    const live = await cli(['why', DEMO.forcePushed, head], env);
    expect(live.code).toBe(0);
    expect(lines(live.stdout)).toEqual([
      `commit ${head} of ${DEMO.forcePushed}: live, nothing deletes it`,
      'via branch main',
    ]);

    const plan = await planGc(test.db, await findRepo(test.db, DEMO.forcePushed), { itemLimit: 1 });
    const doomed = plan.phases[0]!.items[0]!.id;
    const deleted = await cli(['why', DEMO.forcePushed, doomed.slice(0, 8), '--json'], env);
    expect(deleted.code).toBe(0);
    const answer = JSON.parse(deleted.stdout) as Record<string, unknown>;
    expect(answer).toMatchObject({
      kind: 'commit',
      id: doomed,
      fate: 'deleted',
      phase: 'commits',
      grace_seconds: 3600,
      ref: { deleted: true },
    });
    expect(camelKeys(answer)).toEqual([]);
  });

  it('why names an id that names nothing in one line, exit 2', async () => {
    const outcome = await cli(['why', DEMO.forcePushed, 'deadbeefdeadbeef'], env);
    expect(outcome.code).toBe(2);
    expect(lines(outcome.stderr)).toEqual([
      expect.stringMatching(/^musehub-gc: no commit or object starts with deadbeefdeadbeef in /),
    ]);
  });

  it('suggests the repo nearest a mistyped name, and names both owners of a shared slug', async () => {
    const typo = await cli(['plan', 'lowend/blue-in-gren'], env);
    expect(typo.code).toBe(2);
    expect(lines(typo.stderr)).toEqual([
      expect.stringMatching(
        /^musehub-gc: no repo "lowend\/blue-in-gren" in .*: did you mean lowend\/blue-in-green\? \(`musehub-gc repos`/,
      ),
    ]);
    const shared = await cli(['plan', 'blue-in-green'], env);
    expect(shared.code).toBe(2);
    expect(lines(shared.stderr)).toEqual([
      expect.stringMatching(
        /: 2 owners have a repo "blue-in-green", name one as owner\/slug: keystrio\/blue-in-green, lowend\/blue-in-green /,
      ),
    ]);
    const single = await cli(['history', 'caravan'], env);
    expect(lines(single.stderr)).toEqual([expect.stringMatching(/: did you mean bigband\/caravan\? /)]);
    const far = await cli(['plan', 'nobody/nothing-like-it'], env);
    expect(lines(far.stderr)).toEqual([
      expect.stringMatching(/: name it as owner\/slug or by repo_id \(`musehub-gc repos` lists them\)$/),
    ]);
  }, 240_000);

  /** Runs each command with --json and finds no camelCase key in what it printed. */
  async function expectSnakeCase(documents: Array<[string, string[]]>): Promise<void> {
    for (const [name, args] of documents) {
      const outcome = await cli(args, env);
      expect([name, outcome.stderr.match(/musehub-gc: .*/)?.[0] ?? '']).toEqual([name, '']);
      const document = JSON.parse(outcome.stdout) as unknown;
      expect([name, camelKeys(document)]).toEqual([name, []]);
    }
  }

  it('prints the --json of the commands that read in snake_case', async () => {
    // `why` wants an id: an object the fork holds.
    const object = (
      await test.db.knex().raw(
        `select x.object_id as id
      from musehub_object_refs x join musehub_repos r using (repo_id)
      where r.owner || '/' || r.slug = ? order by 1 limit 1`,
        [DEMO.fork],
      )
    ).rows[0].id as string;
    await expectSnakeCase([
      ['repos', ['repos', '--json']],
      ['plan', ['plan', DEMO.forcePushed, '--json', '--items', '3']],
      ['plan --all', ['plan', '--all', '--json']],
      ['why', ['why', DEMO.fork, object, '--json']],
      ['history', ['history', DEMO.forcePushed, '--json']],
    ]);
  }, 300_000);

  it('prints the --json of run (dry), check, sweep (dry) and resume in snake_case', async () => {
    await expectSnakeCase([
      ['run --dry-run', ['run', DEMO.forcePushed, '--dry-run', '--json']],
      ['run --all --dry-run', ['run', '--all', '--dry-run', '--json']],
      ['check', ['check', DEMO.corrupt, '--json']],
      ['sweep --dry-run', ['sweep', '--dry-run', '--json']],
      ['resume', ['resume', '--json']],
    ]);
  }, 300_000);
});
