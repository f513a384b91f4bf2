/**
 * The S3 store against s3rver behind the fault proxy: batching, retries,
 * per-key failures and refusals, each checked against the bucket's real keys.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OBJECT_KEY_BOUNDS, type BlobStore } from '../../src/storage/blob-store.js';
import { openBlobStore } from '../../src/storage/open.js';
import { forEachLimited } from '../../src/storage/pool.js';
import { FAST_RETRY, startS3, type TestS3 } from '../support/s3.js';
import type { S3Faults } from '../support/s3-faults.js';

const id = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const key = (n: number) => `objects/sha256_${n.toString(16).padStart(64, '0')}`;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

let s3: TestS3 & { faults: S3Faults };
let store: BlobStore;

async function putAll(ns: number[]): Promise<void> {
  await forEachLimited(ns, 16, (n) => store.put({ id: id(n) }, new Uint8Array([n % 256])));
}

beforeAll(async () => {
  s3 = await startS3({ faults: true });
  store = await openBlobStore(s3.url, { retry: FAST_RETRY });
});
afterAll(async () => {
  await store.close();
  await s3.stop();
});
beforeEach(async () => {
  s3.faults.reset();
  const left = await s3.keys();
  if (left.length) await store.deleteMany(left.map((k) => ({ id: k, storageUri: `s3://${s3.bucket}/${k}` })));
  s3.faults.reset();
});

describe('S3BlobStore deleteMany', () => {
  it('splits 1,001 keys into DeleteObjects batches of at most 1,000 and lists past a page', async () => {
    // The sentinel keeps objects/ non-empty: s3rver races on pruning a directory emptied by one batch.
    await putAll(range(0, 1002));
    const listed: string[] = [];
    for await (const { key: k } of store.list('objects/')) listed.push(k);
    expect(listed.length).toBe(1002);
    // Every key is in the first range: its pages are followed past the first.
    const ranged: string[] = [];
    for await (const { key: k } of store.list('objects/', { bounds: OBJECT_KEY_BOUNDS })) ranged.push(k);
    expect(ranged.sort()).toEqual(listed.sort());
    s3.faults.reset();
    const progress: number[] = [];
    const outcomes = await store.deleteMany(
      range(1, 1002).map((n) => ({ id: id(n) })),
      (done) => progress.push(done),
    );
    expect(outcomes.every((o) => o.deleted && !o.error)).toBe(true);
    expect(s3.faults.count.deleteRequests).toBe(2);
    expect([...s3.faults.deleteBatches].sort((a, b) => a - b)).toEqual([1, 1000]);
    expect(progress.at(-1)).toBe(1001);
    expect(await s3.keys()).toEqual([key(0)]);
  });

  it('retries a throttled request with backoff and then succeeds', async () => {
    await putAll([0, 1, 2, 3]);
    s3.faults.reset();
    s3.faults.throttleNext(3);
    const outcomes = await store.deleteMany([1, 2, 3].map((n) => ({ id: id(n) })));
    expect(outcomes.map((o) => o.deleted)).toEqual([true, true, true]);
    expect(s3.faults.count).toEqual({ requests: 4, deleteRequests: 4, faults: 3 });
    expect(await s3.keys()).toEqual([key(0)]);
  });

  it('retries 429 and 500 answers and dropped connections too', async () => {
    await putAll([0, 1, 2]);
    s3.faults.reset();
    s3.faults.throttleNext(1, 429);
    s3.faults.throttleNext(1, 500);
    s3.faults.dropNext(1);
    const outcomes = await store.deleteMany([1, 2].map((n) => ({ id: id(n) })));
    expect(outcomes.map((o) => o.deleted)).toEqual([true, true]);
    expect(s3.faults.count.faults).toBe(3);
    expect(await s3.keys()).toEqual([key(0)]);
  });

  it('gives up after the attempts run out, reporting each key instead of throwing', async () => {
    await putAll([0, 1, 2]);
    s3.faults.reset();
    s3.faults.throttleNext(100);
    const outcomes = await store.deleteMany([1, 2].map((n) => ({ id: id(n) })));
    expect(outcomes.map((o) => [o.deleted, o.error])).toEqual([
      [false, 'SlowDown after 6 attempts'],
      [false, 'SlowDown after 6 attempts'],
    ]);
    expect(s3.faults.count.requests).toBe(6);
    s3.faults.reset();
    expect(await s3.keys()).toEqual([key(0), key(1), key(2)]);
  });

  it('reports per-key failures from the response and deletes the rest', async () => {
    await putAll([0, 1, 2, 3, 4]);
    s3.faults.reset();
    s3.faults.failKeys([key(1)]);
    s3.faults.failKeys([key(2)], 'InternalError', 2);
    const progress: number[] = [];
    const outcomes = await store.deleteMany(
      [1, 2, 3, 4].map((n) => ({ id: id(n) })),
      (done) => progress.push(done),
    );
    expect(outcomes.map((o) => [o.ref.id, o.deleted, o.error])).toEqual([
      [id(1), false, 'AccessDenied: Injected by the test proxy'],
      [id(2), true, undefined],
      [id(3), true, undefined],
      [id(4), true, undefined],
    ]);
    // First request settles 1, 3, 4; key 2 fails transiently twice, then goes.
    expect(s3.faults.deleteBatches).toEqual([4, 1, 1]);
    expect(progress).toEqual([3, 4]);
    expect(await s3.keys()).toEqual([key(0), key(1)]);
  });

  it('cannot see through a delete that lies: the proxy keeps a key it reports deleted', async () => {
    await putAll([1, 2]);
    s3.faults.reset();
    s3.faults.lieAboutKeys([key(1)]);
    const outcomes = await store.deleteMany([1, 2].map((n) => ({ id: id(n) })));
    expect(outcomes.map((o) => o.deleted)).toEqual([true, true]);
    expect(await s3.keys()).toEqual([key(1)]);
    expect(await store.exists({ id: id(1) })).toBe(true);
  });

  it('groups keys by the bucket their storage_uri names, in the buckets its URL allows', async () => {
    await s3.createBucket('fork-blobs');
    const spread = await openBlobStore(`${s3.url}&allow-bucket=fork-blobs`, { retry: FAST_RETRY });
    await putAll([1]);
    const elsewhere = { id: id(2), storageUri: `s3://fork-blobs/${key(2)}` };
    await store.put(elsewhere, new Uint8Array([2]));
    s3.faults.reset();
    const outcomes = await spread.deleteMany([{ id: id(1) }, elsewhere]);
    expect(outcomes.map((o) => o.deleted)).toEqual([true, true]);
    expect(s3.faults.count.deleteRequests).toBe(2);
    expect(await s3.keys()).toEqual([]);
    expect(await s3.keys('fork-blobs')).toEqual([]);
    await spread.close();
  });
});

describe('S3BlobStore delete scope', () => {
  it('refuses, per key and without a request, another bucket, another prefix and a key outside objects/', async () => {
    // Buckets of their own: the keys this test leaves are ones no store here may delete.
    for (const bucket of ['scope-blobs', 'scope-other']) await s3.createBucket(bucket);
    const url = (params: string) => `${s3.url.replace(s3.bucket, 'scope-blobs')}&${params}`;
    const hub1 = await openBlobStore(url('prefix=hub1'), { retry: FAST_RETRY });
    const refs = [
      { id: id(1), storageUri: `s3://scope-other/hub1/${key(1)}` },
      { id: id(2), storageUri: `s3://scope-blobs/hub2/${key(2)}` },
      { id: id(3), storageUri: 's3://scope-blobs/backups/db.dump' },
      { id: id(4), storageUri: 's3://scope-blobs/hub1/objects' },
    ];
    for (const ref of refs) await hub1.put(ref, new Uint8Array([1]));
    s3.faults.reset();
    const outcomes = await hub1.deleteMany(refs);
    expect(s3.faults.count.deleteRequests).toBe(0);
    expect(outcomes.map((o) => [o.deleted, o.refused, o.error])).toEqual([
      [
        false,
        true,
        expect.stringMatching(
          /^refused: s3:\/\/scope-other\/.* is in bucket scope-other, not the store's scope-blobs: .*allow-bucket=scope-other/,
        ),
      ],
      [
        false,
        true,
        expect.stringMatching(/^refused: s3:\/\/scope-blobs\/hub2\/objects\/.* is outside hub1\/objects\//),
      ],
      [false, true, expect.stringMatching(/^refused: s3:\/\/scope-blobs\/backups\/db.dump is outside hub1\/objects\//)],
      [false, true, expect.stringMatching(/is outside hub1\/objects\//)],
    ]);
    expect(refs.map((ref) => hub1.deleteRefusal(ref))).toEqual(outcomes.map((o) => o.error));
    expect(hub1.deleteRefusal({ id: id(5) })).toBeUndefined();
    expect(hub1.deleteRefusal({ id: id(5), storageUri: `s3://scope-blobs/hub1/${key(5)}` })).toBeUndefined();
    expect(await s3.keys('scope-blobs')).toEqual(['backups/db.dump', 'hub1/objects', `hub2/${key(2)}`]);
    expect(await s3.keys('scope-other')).toEqual([`hub1/${key(1)}`]);

    // An allowed bucket, under the same prefix's objects/ only; the allowance is not part of the store's identity.
    const allowed = await openBlobStore(url('prefix=hub1&allow-bucket=scope-other'), { retry: FAST_RETRY });
    const [outside] = await allowed.deleteMany([{ id: id(6), storageUri: 's3://scope-other/backups/x' }]);
    expect(outside).toMatchObject({
      deleted: false,
      refused: true,
      error: expect.stringMatching(/outside hub1\/objects\//),
    });
    expect((await allowed.deleteMany([refs[0]!]))[0]).toMatchObject({ deleted: true });
    expect(await s3.keys('scope-other')).toEqual([]);
    expect(hub1.identity).toBe(`s3://scope-blobs/hub1/ at ${s3.endpoint}`);
    expect(allowed.identity).toBe(hub1.identity);
    for (const opened of [hub1, allowed]) await opened.close();
  });
});

describe('S3BlobStore refusals', () => {
  it('turns a bucket that refuses everything into a UserError naming bucket and endpoint', async () => {
    await putAll([1]);
    s3.faults.refuseAll();
    const named = expect.stringMatching(
      new RegExp(`bucket ${s3.bucket} at ${s3.endpoint} refused access \\(AccessDenied\\).*check`),
    );
    await expect(store.check()).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/refused access \(403\)/),
    });
    await expect(store.deleteMany([{ id: id(1) }])).rejects.toMatchObject({ kind: 'unavailable', message: named });
    await expect(store.put({ id: id(2) }, new Uint8Array(1))).rejects.toMatchObject({
      kind: 'unavailable',
      message: named,
    });
    await expect(store.get({ id: id(1) })).rejects.toMatchObject({ kind: 'unavailable' });
    s3.faults.reset();
    expect(await s3.keys()).toEqual([key(1)]);
  });

  it('fails a listing when a later range is refused, and stops the ranges still listing', async () => {
    await putAll(range(0, 3));
    s3.faults.failListingsAfter(3);
    const listing = (async () => {
      for await (const blob of store.list('objects/', { bounds: OBJECT_KEY_BOUNDS })) void blob;
    })();
    await expect(listing).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/refused access/),
    });
    // Every range settled before the failure came out: none lists on behind it.
    const requests = s3.faults.count.requests;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(s3.faults.count.requests).toBe(requests);
  });

  it('says a missing bucket does not exist (exit 2)', async () => {
    const missing = await openBlobStore(s3.url.replace(s3.bucket, 'no-such-bucket'), { retry: FAST_RETRY });
    await expect(missing.check()).rejects.toMatchObject({
      kind: 'usage',
      message: expect.stringMatching(/bucket no-such-bucket .* does not exist/),
    });
    await expect(missing.deleteMany([{ id: id(1) }])).rejects.toMatchObject({ kind: 'usage' });
    await missing.close();
  });

  it('says an endpoint nobody answers cannot be reached, after retrying', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await openBlobStore(`s3://${s3.bucket}?endpoint=http://127.0.0.1:${port}`, {
      retry: FAST_RETRY,
    });
    await expect(unreachable.check()).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(new RegExp(`cannot reach http://127.0.0.1:${port} .*ECONNREFUSED`)),
    });
    await expect(unreachable.deleteMany([{ id: id(1) }])).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/cannot reach/),
    });
    await unreachable.close();
  });
});

describe('S3BlobStore prefix', () => {
  it('puts keys under the URL prefix and lists them without it', async () => {
    const prefixed = await openBlobStore(`${s3.url}&prefix=tenant-a`, { retry: FAST_RETRY });
    await prefixed.put({ id: id(7) }, new Uint8Array([7]));
    expect(prefixed.uriOf(key(7))).toBe(`s3://${s3.bucket}/tenant-a/${key(7)}`);
    expect(await s3.keys()).toEqual([`tenant-a/${key(7)}`]);
    const listed: string[] = [];
    for await (const { key: k } of prefixed.list('objects/')) listed.push(k);
    expect(listed).toEqual([key(7)]);
    await prefixed.deleteMany([{ id: id(7) }]);
    expect(await s3.keys()).toEqual([]);
    await prefixed.close();
  });
});
