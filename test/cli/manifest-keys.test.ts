/**
 * Issue 15: live manifests whose keys collide once stringified (`{1: A, "1": B}`, `{nil: A,
 * "null": B}`). msgpackr's default decoding read each as one entry, so `check` said clean and
 * `run` deleted object A with its ref and blob. Through the CLI, on PostgreSQL and on the
 * embedded hub: `check` flags the manifest, `run` refuses phases 3 and 4 and deletes no object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pack } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded, type Database } from '../../src/db/connect.js';
import { HubBuilder } from '../../src/demo/hub-builder.js';
import { loadHub } from '../../src/demo/load.js';
import type { CheckReport } from '../../src/gc/service.js';
import { FileBlobStore } from '../../src/storage/file-store.js';
import { serverTarget } from '../support/databases.js';
import { OLD } from '../support/histories.js';
import { cli } from './run-cli.js';

/** A hub the CLI reaches: its environment, and a way to open it between runs. */
interface Hub {
  env: Record<string, string>;
  blobDir: string;
  /** `work` on the hub's database, opened by this process while no CLI runs. */
  open<T>(work: (db: Database) => Promise<T>): Promise<T>;
  dispose(): Promise<void>;
}

async function serverHub(): Promise<Hub | undefined> {
  const [target] = await serverTarget();
  if (!target) return undefined;
  const test = await target.create();
  const blobDir = mkdtempSync(join(tmpdir(), 'mhgc-manifest-keys-'));
  return {
    env: { DATABASE_URL: test.url, MUSEHUB_STORAGE: pathToFileURL(blobDir).href },
    blobDir,
    open: (work) => work(test.db),
    async dispose() {
      await test.drop();
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
}

/** The CLI's own embedded hub under XDG_CACHE_HOME, created here (not seeded with the demo). */
async function embeddedHub(): Promise<Hub> {
  const cache = mkdtempSync(join(tmpdir(), 'mhgc-manifest-keys-cache-'));
  const dir = join(cache, 'musehub-gc');
  return {
    env: { XDG_CACHE_HOME: cache },
    blobDir: join(dir, 'blobs'),
    async open(work) {
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

const server = await serverHub();
const hubs: Array<{ name: string; hub: () => Promise<Hub> }> = [
  { name: 'pglite', hub: embeddedHub },
  ...(server ? [{ name: 'postgres', hub: async () => server }] : []),
];

/** A map whose first key is not a str: written by hand, as msgpackr would not write it. */
function collidingManifest(key: unknown, twin: string, first: string, second: string): Uint8Array {
  return Buffer.concat([Buffer.from([0x82]), pack(key), pack(first), pack(twin), pack(second)]);
}

const REPOS = [
  { slug: 'int-key', key: 1, twin: '1' },
  { slug: 'nil-key', key: null, twin: 'null' },
];

describe.each(hubs)('manifest keys that collide as strings, through the CLI on $name', ({ hub: makeHub }) => {
  let hub: Hub;
  /** Per repo: the object only the non-str key names, the one its twin names, and an orphan. */
  const objects = new Map<string, { hidden: string; twin: string; orphan: string }>();

  beforeAll(async () => {
    hub = await makeHub();
    await hub.open(async (db) => {
      const now = (await db.knex().raw('select now() as now')).rows[0].now as Date;
      const builder = new HubBuilder(new Date(now));
      const at = builder.ago(OLD);
      for (const { slug, key, twin } of REPOS) {
        const repoId = builder.repo('collide', slug, slug, at, at);
        const hidden = builder.object(repoId, `${slug}-hidden`, at);
        const named = builder.object(repoId, `${slug}-twin`, at);
        const orphan = builder.object(repoId, `${slug}-orphan`, at);
        const snapshotId = builder.rawSnapshot(slug, collidingManifest(key, twin, hidden, named), at);
        const commit = builder.commit(repoId, `${slug}-head`, {
          parents: [],
          message: 'Colliding keys',
          author: 'a',
          at,
          snapshotId,
        });
        builder.branch(repoId, 'main', commit);
        objects.set(slug, { hidden, twin: named, orphan });
      }
      await loadHub(db, builder.drain(), new FileBlobStore(hub.blobDir));
    });
  });

  afterAll(async () => {
    await hub?.dispose();
  });

  it.each(REPOS)(
    'check flags collide/$slug: its live manifest cannot be read',
    async ({ slug }) => {
      const checked = await cli(['check', `collide/${slug}`, '--json'], hub.env);
      expect(checked.code).toBe(1);
      const [result] = (JSON.parse(checked.stdout) as CheckReport).repos;
      expect(result!.problems).toMatchObject([
        {
          kind: 'manifest-unreadable',
          count: 1,
          examples: [{ detail: expect.stringMatching(/has a key that is (an integer|nil), not a path/) }],
        },
      ]);
    },
    120_000,
  );

  it.each(REPOS)(
    'run on collide/$slug refuses phases 3 and 4, keeping every object',
    async ({ slug }) => {
      const run = await cli(['run', `collide/${slug}`, '--yes', '--grace', '0'], hub.env);
      expect(run.code).toBe(3);
      expect(run.stdout + run.stderr).toMatch(/refused/);
      const { hidden, twin, orphan } = objects.get(slug)!;
      const kept = [hidden, twin, orphan];
      const left = await hub.open(async (db) => {
        const rows = async (table: string) =>
          (
            await db.knex().raw(`select object_id from ${table} where object_id = any(?) order by object_id`, [kept])
          ).rows.map((row: { object_id: string }) => row.object_id);
        return { objects: await rows('musehub_objects'), refs: await rows('musehub_object_refs') };
      });
      expect(left).toEqual({ objects: [...kept].sort(), refs: [...kept].sort() });
      const store = new FileBlobStore(hub.blobDir);
      for (const id of kept) expect(await store.exists({ id, storageUri: null })).toBe(true);
    },
    120_000,
  );
});
