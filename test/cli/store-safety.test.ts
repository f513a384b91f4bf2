/**
 * Where musehub-gc deletes, through the CLI (issue 15): a row's storage_uri is untrusted input and
 * never takes a delete outside the store; the journal keeps what a store refuses, names the store
 * each entry belongs to, and lets the operator list and drop what no store will ever delete.
 * The file store on PostgreSQL and on the embedded hub (PGlite); S3 on s3rver, on PostgreSQL.
 */
import type { SnakeCased } from '../../src/commands/output.js';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded, type Database } from '../../src/db/connect.js';
import { DEMO, seedDemoHub } from '../../src/demo/demo-hub.js';
import { planGc } from '../../src/gc/plan.js';
import { findRepo } from '../../src/gc/repo.js';
import type { JournalDrop, JournalEntryView, RefusedBlob, Resumed, RunResult } from '../../src/gc/service.js';
import { keyForId } from '../../src/storage/blob-store.js';
import { FileBlobStore } from '../../src/storage/file-store.js';
import { openBlobStore } from '../../src/storage/open.js';
import { serverTarget, type TestDatabase } from '../support/databases.js';
import { startS3, type TestS3 } from '../support/s3.js';
import { cli, lines } from './run-cli.js';

/** A demo hub with a file store, as the CLI opens it. */
interface FileHub {
  env: Record<string, string>;
  /** The store's root directory. */
  root: string;
  /** Runs `work` on the hub's database while no CLI process holds it. */
  db<T>(work: (db: Database) => Promise<T>): Promise<T>;
  dispose(): Promise<void>;
}

async function serverFileHub(): Promise<FileHub> {
  const [target] = await serverTarget();
  const test: TestDatabase = await target!.create();
  const root = mkdtempSync(join(tmpdir(), 'mhgc-safety-blobs-'));
  await seedDemoHub(test.db, new FileBlobStore(root));
  return {
    env: { DATABASE_URL: test.url, MUSEHUB_STORAGE: pathToFileURL(root).href },
    root,
    db: (work) => work(test.db),
    async dispose() {
      await test.drop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The embedded hub the CLI seeds on first start, with its own blobs/ directory as the store. */
async function embeddedFileHub(): Promise<FileHub> {
  const cache = mkdtempSync(join(tmpdir(), 'mhgc-safety-cache-'));
  const env = { XDG_CACHE_HOME: cache };
  const seeded = await cli(['repos'], env);
  if (seeded.code !== 0) throw new Error(`the embedded hub did not start: ${seeded.stderr}`);
  const dir = join(cache, 'musehub-gc');
  return {
    env,
    root: join(dir, 'blobs'),
    async db(work) {
      const db = await openEmbedded({ dir });
      try {
        return await work(db);
      } finally {
        await db.close();
      }
    },
    dispose: async () => rmSync(cache, { recursive: true, force: true }),
  };
}

/** Each CLI process starts tsx and opens the hub: seconds each, more on a busy machine. */
const SLOW = 240_000;

const fileHubs = [
  ...(await serverTarget()).map(() => ({ name: 'postgres', open: serverFileHub })),
  { name: 'pglite', open: embeddedFileHub },
];

/** The objects a run of the abandoned upload's repo deletes (four, no row names their blobs but theirs). */
async function doomedObjects(db: Database): Promise<string[]> {
  const caravan = await findRepo(db, DEMO.abandonedUpload);
  const objects = (await planGc(db, caravan, { itemLimit: 10 })).phases[3]!.items.map((item) => item.id);
  expect(objects).toHaveLength(4);
  return objects;
}

async function setStorageUris(db: Database, uris: Array<[string, string]>): Promise<void> {
  for (const [id, uri] of uris) {
    await db.knex().raw('update musehub_objects set storage_uri = ? where object_id = ?', [uri, id]);
  }
}

async function journalled(db: Database): Promise<Array<{ blob_ids: string[]; store: string | null }>> {
  return (await db.knex().raw('select blob_ids, store from musehub_gc_journal order by entry_id')).rows;
}

describe.each(fileHubs)('the file store and the journal through the CLI on $name', ({ open }) => {
  let hub: FileHub;
  /** A directory outside the store, and another store. */
  let outside: string;
  let other: string;
  let doomed: string[];
  /** The entry's refused blobs, in its order. */
  let entryBlobs: RefusedBlob[];
  const blob = `sha256:${'c'.repeat(64)}`;
  beforeAll(async () => {
    hub = await open();
    outside = mkdtempSync(join(tmpdir(), 'mhgc-safety-outside-'));
    other = mkdtempSync(join(tmpdir(), 'mhgc-safety-other-'));
  }, SLOW);
  afterAll(async () => {
    await hub?.dispose();
    for (const dir of [outside, other]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'a run refuses a storage_uri through a linked directory and one outside objects/: both stay, exit 1',
    async () => {
      writeFileSync(join(outside, 'x'), 'outside the store');
      symlinkSync(outside, join(hub.root, 'objects', 'link'));
      mkdirSync(join(hub.root, 'keep'));
      writeFileSync(join(hub.root, 'keep', 'important'), 'inside the root, outside objects/');
      doomed = await hub.db(async (db) => {
        const ids = await doomedObjects(db);
        await setStorageUris(db, [
          [ids[0]!, 'local://objects/link/x'],
          [ids[1]!, 'local://keep/important'],
        ]);
        return ids;
      });

      const outcome = await cli(['run', DEMO.abandonedUpload, '--yes', '--json'], hub.env);
      expect(outcome.code).toBe(1);
      expect(readFileSync(join(outside, 'x'), 'utf8')).toBe('outside the store');
      expect(readFileSync(join(hub.root, 'keep', 'important'), 'utf8')).toBe('inside the root, outside objects/');
      const result = JSON.parse(outcome.stdout) as RunResult;
      expect(result.objects_deleted).toBe(4);
      expect(result.errors).toHaveLength(2);
      expect(result.errors).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(
              `^blob ${doomed[0]} not deleted: refused: objects/link is a symbolic link: .*` +
                '\\(kept in the journal: musehub-gc journal drop refused takes it out\\)$',
            ),
          ),
          expect.stringMatching(
            new RegExp(`^blob ${doomed[1]} not deleted: refused: local://keep/important is outside objects/`),
          ),
        ]),
      );
      // The other two went as always.
      for (const id of doomed.slice(2)) expect(existsSync(join(hub.root, keyForId(id)))).toBe(false);
      const identity = new FileBlobStore(hub.root).identity;
      expect(await hub.db(journalled)).toEqual([
        { blob_ids: expect.arrayContaining(doomed.slice(0, 2)), store: identity },
      ]);
    },
    SLOW,
  );

  it(
    'journal lists the entry as refused, naming each key; resume still refuses them (exit 1)',
    async () => {
      const listed = await cli(['journal', '--json'], hub.env);
      expect(listed.code).toBe(0);
      const [entry, ...more] = JSON.parse(listed.stdout) as SnakeCased<JournalEntryView>[];
      expect(more).toEqual([]);
      entryBlobs = entry!.refused.map((blob) => ({ id: blob.id, storageUri: blob.storage_uri }) as RefusedBlob);
      expect(entry).toMatchObject({ kind: 'object', blobs: 2, status: 'refused', attempts: 1 });
      expect(entry!.refused.map((blob) => [blob.id, blob.storage_uri])).toEqual(
        expect.arrayContaining([
          [doomed[0], 'local://objects/link/x'],
          [doomed[1], 'local://keep/important'],
        ]),
      );

      const text = await cli(['journal'], hub.env);
      expect(lines(text.stdout)).toEqual([
        expect.stringMatching(/^ENTRY +KIND +BLOBS +BYTES +WRITTEN +STATUS$/),
        expect.stringMatching(new RegExp(`^ *${entry!.entry_id} +object +2 .* refused$`)),
        expect.stringMatching(/^ {4}the store refuses 2 blobs: refused: /),
        `    store: ${new FileBlobStore(hub.root).identity}`,
        ...entry!.refused.map((blob) => `    refused: ${blob.storage_uri}`),
        '1 entry (2 blobs); 1 that this store will never delete: ' +
          'musehub-gc journal drop <entry-id>… (or refused) takes them out',
      ]);

      const resumed = await cli(['resume', '--json'], hub.env);
      expect(resumed.code).toBe(1);
      expect((JSON.parse(resumed.stdout) as SnakeCased<Resumed>).errors).toHaveLength(2);
      expect(readFileSync(join(outside, 'x'), 'utf8')).toBe('outside the store');
    },
    SLOW,
  );

  it(
    'journal drop refused takes them out, deleting nothing, and the drop is in the history',
    async () => {
      const declined = await cli(['journal', 'drop', 'refused'], hub.env);
      expect(declined.code).toBe(2);
      expect(declined.stderr).toMatch(/pass --yes/);

      const dropped = await cli(['journal', 'drop', 'refused', '--yes'], hub.env);
      expect(dropped.code).toBe(0);
      expect(lines(dropped.stdout)).toEqual([
        expect.stringMatching(
          /^dropped 2 blobs \(.*\) from 1 journal entry, deleting none; recorded: musehub-gc journal dropped$/,
        ),
      ]);
      expect(await hub.db(journalled)).toEqual([]);
      expect(readFileSync(join(outside, 'x'), 'utf8')).toBe('outside the store');
      expect(existsSync(join(hub.root, 'keep', 'important'))).toBe(true);

      const history = await cli(['journal', 'dropped', '--json'], hub.env);
      const [drop] = JSON.parse(history.stdout) as SnakeCased<JournalDrop>[];
      expect(drop).toMatchObject({
        kind: 'object',
        blob_ids: entryBlobs.map((blob) => blob.id),
        storage_uris: entryBlobs.map((blob) => blob.storageUri),
      });
      expect(drop!.reason).toMatch(/^refused by file:\/\/.*: refused: /);
      expect(drop!.reason).toMatch(/refused: objects\/link is a symbolic link/);
      expect(drop!.reason).toMatch(/refused: local:\/\/keep\/important is outside objects\//);
      expect((await cli(['resume'], hub.env)).code).toBe(0);
    },
    SLOW,
  );

  it(
    'resume, a run and a sweep against another store leave its entries and say so; its own deletes them',
    async () => {
      // The same blob in both stores (a copy, a migration): an entry of the hub's store names it.
      const mine = new FileBlobStore(hub.root);
      const copy = new FileBlobStore(other);
      for (const store of [mine, copy]) await store.put({ id: blob }, new Uint8Array([1, 2, 3]));
      await hub.db((db) =>
        db.knex().raw(
          `
      insert into musehub_gc_journal (run_id, kind, blob_ids, storage_uris, sizes, store)
      values ('run', 'object', array[?], array[null::text], array[3], ?)`,
          [blob, mine.identity],
        ),
      );
      const elsewhere = { ...hub.env, MUSEHUB_STORAGE: pathToFileURL(other).href };
      const leftAlone = new RegExp(
        'warning: left 1 journal entry \\(1 blob\\) alone: they belong to another store than ' +
          `${copy.identity.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, or name none; musehub-gc journal lists them`,
      );

      const resumed = await cli(['resume'], elsewhere);
      expect(resumed.code).toBe(0);
      expect(resumed.stderr).toMatch(leftAlone);
      expect(resumed.stdout).toMatch(/^resume: 0 blobs deleted/);
      const ran = await cli(['run', DEMO.clean, '--yes'], elsewhere);
      expect(ran.code).toBe(0);
      expect(ran.stderr).toMatch(leftAlone);
      const swept = await cli(['sweep', '--yes'], elsewhere);
      expect(swept.code).toBe(0);
      expect(swept.stderr).toMatch(leftAlone);
      expect(await copy.exists({ id: blob })).toBe(true);

      const listed = JSON.parse((await cli(['journal', '--json'], elsewhere)).stdout) as SnakeCased<JournalEntryView>[];
      expect(listed).toMatchObject([{ status: 'other-store', store: mine.identity }]);

      const own = await cli(['resume', '--json'], hub.env);
      expect(own.code).toBe(0);
      expect(JSON.parse(own.stdout)).toMatchObject({ blobs: 1, left_alone: { entries: 0 }, warnings: [] });
      expect(await mine.exists({ id: blob })).toBe(false);
      expect(await copy.exists({ id: blob })).toBe(true);
    },
    SLOW,
  );

  it(
    'an entry that names no store (written before stores were) is left to the operator, who drops it by id',
    async () => {
      await hub.db((db) =>
        db.knex().raw(
          `insert into musehub_gc_journal (run_id, kind, blob_ids, storage_uris, sizes)
      values ('old-run', 'object', array[?], array[null::text], array[3])`,
          [blob],
        ),
      );
      const resumed = await cli(['resume', '--json'], hub.env);
      expect(JSON.parse(resumed.stdout)).toMatchObject({ blobs: 0, left_alone: { entries: 1, blobs: 1 } });
      const [entry] = JSON.parse((await cli(['journal', '--json'], hub.env)).stdout) as SnakeCased<JournalEntryView>[];
      expect(entry).toMatchObject({ status: 'no-store', store: null, run_id: 'old-run' });

      const unknown = await cli(['journal', 'drop', '999999', entry!.entry_id, '--yes'], hub.env);
      expect(unknown.code).toBe(2);
      expect(lines(unknown.stderr)).toEqual([
        'musehub-gc: no journal entry 999999 (nothing was dropped): musehub-gc journal lists them',
      ]);
      const malformed = await cli(['journal', 'drop', 'all', '--yes'], hub.env);
      expect(malformed.code).toBe(2);

      const dropped = await cli(['journal', 'drop', entry!.entry_id, '--yes', '--json'], hub.env);
      expect(dropped.code).toBe(0);
      expect(JSON.parse(dropped.stdout)).toEqual({ entries: 1, blobs: 1, bytes: 3 });
      expect(await hub.db(journalled)).toEqual([]);
      const history = await cli(['journal', 'dropped'], hub.env);
      expect(lines(history.stdout).at(-1)).toEqual(
        expect.stringMatching(
          new RegExp(
            `dropped 1 blob \\(3 B\\) of entry ${entry!.entry_id} \\(object, run old-run\\): ` +
              'dropped by id: names no store',
          ),
        ),
      );
    },
    SLOW,
  );
});

describe.each(await serverTarget())('the S3 store deletes only in its bucket and prefix, on $name', (target) => {
  let test: TestDatabase;
  let s3: TestS3;
  let url: string;
  let doomed: string[];
  const hub2Key = (id: string) => `hub2/${keyForId(id)}`;
  beforeAll(async () => {
    test = await target.create();
    s3 = await startS3();
    await s3.createBucket('other-bucket');
    url = `${s3.url}&prefix=hub1`;
    const store = await openBlobStore(url);
    await seedDemoHub(test.db, store);
    doomed = await doomedObjects(test.db);
    const rows: Array<[string, string]> = [
      [doomed[0]!, `s3://other-bucket/hub1/${keyForId(doomed[0]!)}`],
      [doomed[1]!, `s3://${s3.bucket}/${hub2Key(doomed[1]!)}`],
      [doomed[2]!, `s3://${s3.bucket}/backups/db.dump`],
    ];
    for (const [id, storageUri] of rows) await store.put({ id, storageUri }, new Uint8Array([9]));
    await setStorageUris(test.db, rows);
    await store.close();
  }, SLOW);
  afterAll(async () => {
    await test?.drop();
    await s3?.stop();
  });

  const env = () => ({ DATABASE_URL: test.url, MUSEHUB_STORAGE: url });

  it(
    'a run refuses another bucket, another prefix and a key outside objects/, per key, and keeps them',
    async () => {
      const outcome = await cli(['run', DEMO.abandonedUpload, '--yes', '--json'], env());
      expect(outcome.code).toBe(1);
      const result = JSON.parse(outcome.stdout) as RunResult;
      expect(result.errors).toHaveLength(3);
      expect(result.errors).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(
              `^blob ${doomed[0]} not deleted: refused: s3://other-bucket/.* ` +
                `is in bucket other-bucket, not the store's ${s3.bucket}: ` +
                'if this hub keeps blobs there, add allow-bucket=other-bucket to the storage URL',
            ),
          ),
          expect.stringMatching(
            new RegExp(
              `^blob ${doomed[1]} not deleted: refused: s3://${s3.bucket}/hub2/objects/.* ` +
                'is outside hub1/objects/',
            ),
          ),
          expect.stringMatching(
            new RegExp(
              `^blob ${doomed[2]} not deleted: refused: s3://${s3.bucket}/backups/db.dump ` +
                'is outside hub1/objects/',
            ),
          ),
        ]),
      );
      expect(await s3.keys('other-bucket')).toEqual([`hub1/${keyForId(doomed[0]!)}`]);
      const keys = await s3.keys();
      expect(keys).toContain(hub2Key(doomed[1]!));
      expect(keys).toContain('backups/db.dump');
      expect(keys).not.toContain(`hub1/${keyForId(doomed[3]!)}`);
      const journal = (await test.db.knex().raw('select unnest(blob_ids) as id, store from musehub_gc_journal')).rows;
      expect(journal.map((row: { id: string }) => row.id).sort()).toEqual(doomed.slice(0, 3).sort());
      expect(new Set(journal.map((row: { store: string }) => row.store))).toEqual(
        new Set([`s3://${s3.bucket}/hub1/ at ${s3.endpoint}`]),
      );
    },
    SLOW,
  );

  it(
    "allow-bucket lets resume delete in that bucket, under the prefix's objects/ only; the rest stay",
    async () => {
      const allowed = { ...env(), MUSEHUB_STORAGE: `${url}&allow-bucket=other-bucket` };
      const resumed = await cli(['resume', '--json'], allowed);
      expect(resumed.code).toBe(1);
      const drained = JSON.parse(resumed.stdout) as SnakeCased<Resumed>;
      expect(drained).toMatchObject({ blobs: 1, left_alone: { entries: 0 } });
      expect(drained.errors).toHaveLength(2);
      expect(await s3.keys('other-bucket')).toEqual([]);
      expect(await s3.keys()).toEqual(expect.arrayContaining([hub2Key(doomed[1]!), 'backups/db.dump']));

      const dropped = await cli(['journal', 'drop', 'refused', '--yes', '--json'], allowed);
      expect(JSON.parse(dropped.stdout)).toMatchObject({ blobs: 2 });
      expect((await cli(['resume'], env())).code).toBe(0);
      expect(await s3.keys()).toEqual(expect.arrayContaining([hub2Key(doomed[1]!), 'backups/db.dump']));
    },
    SLOW,
  );
});
