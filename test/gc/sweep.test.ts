/**
 * The sweep on every database target, against a directory and against s3rver: old strays
 * go, and nothing else does — not a fresh stray, not a key any row names, not a key an
 * upload names while the sweep runs, not a key outside objects/, and nothing at all when
 * the listing fails part-way. Each checks what the store really holds afterwards.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGcService } from '../../src/gc/gc-service.js';
import { keyOfIdSql } from '../../src/gc/sweep/names.js';
import type { GcService, SweepEvent, SweepOptions, SweepResult } from '../../src/gc/service.js';
import { keyForId, type BlobStore } from '../../src/storage/blob-store.js';
import { FileBlobStore } from '../../src/storage/file-store.js';
import { openBlobStore } from '../../src/storage/open.js';
import { createFixture, type Fixture } from '../support/gc-fixture.js';
import { line } from '../support/histories.js';
import { FAST_RETRY, startS3, type TestS3 } from '../support/s3.js';
import type { S3Faults } from '../support/s3-faults.js';
import { testTargets } from '../support/databases.js';

const DAY = 86_400_000;
const blob = (digit: string) => `sha256:${digit.repeat(64)}`;

interface StoreHarness {
  store: BlobStore;
  /** Sets a key's last-modified time. */
  age(key: string, at: Date): Promise<void>;
  /** Every key the backend really holds, sorted. */
  keys(): Promise<string[]>;
  clear(): Promise<void>;
  /** Makes the next listing fail part-way; returns what undoes it. */
  breakListing(): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

function fileHarness(): StoreHarness {
  const root = mkdtempSync(path.join(tmpdir(), 'mhgc-sweep-'));
  const store = new FileBlobStore(root);
  const keys = async () => {
    const found: string[] = [];
    for await (const { key } of store.list('')) found.push(key);
    return found.sort();
  };
  return {
    store,
    keys,
    age: (key, at) => utimes(path.join(root, key), at, at),
    clear: async () => {
      rmSync(root, { recursive: true, force: true });
      mkdirSync(root);
    },
    // Root reads every directory, but not one whose path is longer than PATH_MAX: build such a
    // chain with relative steps, which the walk meets after it has listed the rest.
    async breakListing() {
      const step = 'd'.repeat(250);
      execFileSync('bash', [
        '-c',
        `mkdir -p "$1/objects" && cd "$1/objects" && for i in $(seq 18); do mkdir ${step} && cd ${step}; done && touch deep`,
        'sh',
        root,
      ]);
      return async () => {
        execFileSync('rm', ['-rf', path.join(root, 'objects', step)]);
      };
    },
    stop: async () => rmSync(root, { recursive: true, force: true }),
  };
}

async function s3Harness(): Promise<StoreHarness> {
  const s3: TestS3 & { faults: S3Faults } = await startS3({ faults: true });
  const store = await openBlobStore(s3.url, { retry: FAST_RETRY });
  return {
    store,
    age: (key, at) => s3.setModified(key, at),
    keys: () => s3.keys(),
    // Directly: keys outside objects/ (which the store never deletes) are left by some tests.
    clear: () => s3.clear(),
    async breakListing() {
      // Some ranges list, then the bucket refuses the rest.
      s3.faults.failListingsAfter(4);
      return async () => s3.faults.reset();
    },
    async stop() {
      await store.close();
      await s3.stop();
    },
  };
}

describe.each(await testTargets())('sweep on $name', (target) => {
  it('names keys in SQL exactly as keyForId does, odd ids included', async () => {
    const test = await target.create();
    try {
      const ids = [blob('a'), 'sha256_nocolon', 'a:b:c', ':lead', 'x_y:z', 'trail:', ''];
      const rows = (
        await test.db
          .knex()
          .raw(`select ${keyOfIdSql('id')} as key from unnest(?::text[]) with ordinality as t(id, n) order by n`, [ids])
      ).rows as Array<{ key: string }>;
      expect(rows.map((row) => row.key)).toEqual(ids.map(keyForId));
    } finally {
      await test.drop();
    }
  });

  describe.each([
    ['file', fileHarness],
    ['s3', s3Harness],
  ] as const)('with a %s store', (name, start) => {
    let h: StoreHarness;
    let f: Fixture;
    let service: GcService;
    beforeAll(async () => {
      h = await start();
      f = await createFixture(target, h.store);
      service = createGcService(f.db, h.store, { graceSeconds: 3600 });
    });
    afterEach(async () => {
      await f.reset();
      await h.clear();
    });
    afterAll(async () => {
      await f?.dispose();
      await h?.stop();
    });

    /** Runs a sweep to its end, calling `onEvent` as each event comes; returns the result and the events. */
    async function sweep(options: Partial<SweepOptions> = {}, onEvent?: (event: SweepEvent) => Promise<void>) {
      const events: SweepEvent[] = [];
      const run = service.sweep({ graceSeconds: 86_400, ...options });
      for (let next = await run.next(); ; next = await run.next()) {
        if (next.done) return { result: next.value as SweepResult, events };
        events.push(next.value);
        await onEvent?.(next.value);
      }
    }

    /** Writes bytes at `key`, last modified `daysAgo`. */
    async function put(key: string, daysAgo: number): Promise<void> {
      await h.store.put({ id: key, storageUri: h.store.uriOf(key) }, new TextEncoder().encode(key));
      if (daysAgo > 0) await h.age(key, new Date(Date.now() - daysAgo * DAY));
    }

    /** A repo whose objects and expired cache row name blobs, and an object row naming its blob by storage_uri; all aged. */
    async function loadNamed(): Promise<string[]> {
      let objects!: string[];
      await f.load((hub) => {
        const repoId = hub.repo('lowend', 'solar', 'Solar', hub.ago(3 * 1440), null);
        objects = line(hub, repoId, 'main', 3).objects;
        hub.cache(repoId, 'want', hub.mpack('solar/pack'), hub.ago(3 * 1440), hub.ago(2 * 1440));
      });
      await f.db
        .knex()
        .raw(`insert into musehub_objects (object_id, size_bytes, storage_uri) values (?, 3, ?)`, [
          blob('e'),
          h.store.uriOf('objects/elsewhere/e'),
        ]);
      await put('objects/elsewhere/e', 0);
      const named = await h.keys();
      for (const key of named) await h.age(key, new Date(Date.now() - 3 * DAY));
      expect(named).toEqual(expect.arrayContaining([...objects.map(keyForId), 'objects/elsewhere/e']));
      return named;
    }

    it('deletes old strays and keeps fresh strays, named keys and keys outside objects/; a dry run only lists', async () => {
      const named = await loadNamed();
      await put(keyForId(blob('a')), 2);
      await put('objects/odd/stray', 2);
      await put(keyForId(blob('b')), 0);
      await put('other/old', 5);
      const strays = [keyForId(blob('a')), 'objects/odd/stray'].sort();

      const dry = await sweep({ dryRun: true });
      expect(dry.result).toMatchObject({
        outcome: 'done',
        dryRun: true,
        candidates: 2,
        young: 1,
        named: named.length,
        deleted: 0,
      });
      expect(
        dry.events.flatMap((event) => (event.type === 'batch' ? event.keys.map((key) => key.key) : [])).sort(),
      ).toEqual(strays);
      expect(await h.keys()).toEqual([...named, ...strays, keyForId(blob('b')), 'other/old'].sort());

      const { result } = await sweep();
      expect(result).toMatchObject({
        outcome: 'done',
        candidates: 2,
        deleted: 2,
        young: 1,
        keptOnRecheck: 0,
        errors: [],
      });
      expect(result.deletedBytes).toBe(strays.reduce((sum, key) => sum + key.length, 0));
      expect(await h.keys()).toEqual([...named, keyForId(blob('b')), 'other/old'].sort());
      expect(await f.column('musehub_gc_journal', 'unnest(blob_ids)')).toEqual([]);
    });

    // The embedded hub has one connection, and the sweep holds it: no upload can race a sweep there.
    it.runIf(target.name === 'postgres')(
      'keeps the blob of an upload whose row commits during the sweep, before or after its batch is journalled',
      async () => {
        const early = blob('1');
        const late = blob('2');
        await put(keyForId(early), 2);
        await put(keyForId(late), 2);
        await put(keyForId(blob('3')), 2);
        const upload = (id: string) =>
          f.db.knex().raw('insert into musehub_objects (object_id, size_bytes) values (?, 1)', [id]);
        const { result } = await sweep(
          {
            // Asked once the listing is compared: the first upload's row lands now, before the batch's re-check.
            confirm: async () => {
              await upload(early);
              return true;
            },
          },
          async (event) => {
            // The batch is journalled; the second upload's row lands before the journal deletes its blob.
            if (event.type === 'batch') await upload(late);
          },
        );
        expect(result).toMatchObject({ outcome: 'done', candidates: 3, deleted: 1, keptOnRecheck: 2 });
        expect(await h.keys()).toEqual([keyForId(early), keyForId(late)].sort());
      },
    );

    it('deletes nothing when the listing fails part-way, and says so', async () => {
      await put(keyForId(blob('a')), 2);
      await put(keyForId(blob('c')), 2);
      const before = await h.keys();
      const repair = await h.breakListing();
      try {
        await expect(sweep()).rejects.toMatchObject({
          kind: 'unavailable',
          message: expect.stringMatching(
            /^nothing was deleted: listing .* failed after \d+ keys .*a partial listing proves nothing/,
          ),
        });
      } finally {
        await repair();
      }
      expect(await h.keys()).toEqual(before);
      expect(await f.column('musehub_gc_journal', 'unnest(blob_ids)')).toEqual([]);
      // A sweep that never knew its strays has no outcome to record.
      expect(await service.lastSweep({ dryRun: false })).toBeNull();
    });

    // A file name may hold a backslash; no blob reference can name it (checkKey), so the journal could never delete it.
    it.runIf(name === 'file')('leaves alone an old key no blob reference can name, and counts it', async () => {
      await put(keyForId(blob('a')), 2);
      const odd = path.join((h.store as FileBlobStore).root, 'objects', 'back\\slash');
      writeFileSync(odd, 'odd');
      await utimes(odd, new Date(Date.now() - 2 * DAY), new Date(Date.now() - 2 * DAY));
      const { result } = await sweep();
      expect(result).toMatchObject({ outcome: 'done', odd: 1, candidates: 1, deleted: 1, errors: [] });
      expect(existsSync(odd)).toBe(true);
    });

    it('records each sweep as it ended; lastSweep gives the last dry run and the last that could delete', async () => {
      expect(await service.lastSweep({ dryRun: true })).toBeNull();
      const stray = keyForId(blob('a'));
      await put(stray, 2);
      const recorded = (result: SweepResult) => {
        const { profile: _, ...kept } = result;
        return { ...kept, finishedAt: expect.any(String) };
      };
      const dry = await sweep({ dryRun: true });
      const lastDry = await service.lastSweep({ dryRun: true });
      expect(lastDry).toEqual(recorded(dry.result));
      expect(lastDry).toMatchObject({
        store: h.store.url,
        dryRun: true,
        outcome: 'done',
        candidates: 1,
        candidateBytes: stray.length,
        deleted: 0,
      });
      expect(Math.abs(Date.parse(lastDry!.finishedAt) - Date.now())).toBeLessThan(60_000);
      expect(await service.lastSweep({ dryRun: false })).toBeNull();

      await sweep({ confirm: async () => false });
      expect(await service.lastSweep({ dryRun: false })).toMatchObject({
        outcome: 'declined',
        candidates: 1,
        deleted: 0,
      });
      const swept = await sweep();
      expect(await service.lastSweep({ dryRun: false })).toEqual(recorded(swept.result));
      expect(swept.result).toMatchObject({ outcome: 'done', deleted: 1, deletedBytes: stray.length });
      expect((await service.lastSweep({ dryRun: true }))!.sweepId).toBe(dry.result.sweepId);
    });

    it('asks before deleting, and deletes nothing when declined', async () => {
      await put(keyForId(blob('a')), 2);
      const { result } = await sweep({ confirm: async (found) => found.candidates !== 1 });
      expect(result).toMatchObject({ outcome: 'declined', candidates: 1, deleted: 0 });
      expect(await h.keys()).toEqual([keyForId(blob('a'))]);
    });
  });
});
