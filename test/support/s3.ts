/**
 * A real S3 server for tests: s3rver on 127.0.0.1 over HTTP, in a temp directory,
 * optionally behind the fault proxy of s3-faults.ts.
 *
 *   const s3 = await startS3({ faults: true });
 *   const store = await openBlobStore(s3.url, { retry: FAST_RETRY });
 *   ...; expect(await s3.keys()).toEqual([...]); await s3.stop();
 */
import '../../src/storage/sdk-env.js';
import { CreateBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { RetryPolicy } from '../../src/storage/retry.js';
import { startFaultProxy, type S3Faults } from './s3-faults.js';

/** s3rver accepts exactly this key pair; the SDK's default chain picks it up from the environment. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Retry delays of a millisecond or two, so throttling tests do not wait. */
export const FAST_RETRY: Partial<RetryPolicy> = { baseMs: 1, capMs: 2 };

export interface StartS3Options {
  /** Put the fault proxy in front of s3rver (then `faults` is set). */
  faults?: boolean;
  /** The bucket `url` names (default `musehub-blobs`). */
  bucket?: string;
  /** Appended to `url` as ?prefix=. */
  prefix?: string;
}

export interface TestS3 {
  /** `s3://<bucket>?endpoint=…&region=us-east-1[&prefix=…]`, through the proxy when faults are on. */
  url: string;
  bucket: string;
  /** The endpoint clients should use (the proxy's when faults are on). */
  endpoint: string;
  /** Creates another bucket, for storage_uri tests. */
  createBucket(name: string): Promise<void>;
  /** Every key in `bucket` (default: the main one), sorted, read from s3rver directly. */
  keys(bucket?: string): Promise<string[]>;
  /** Deletes every key of `bucket` (default: the main one) directly, wherever it is: between tests. */
  clear(bucket?: string): Promise<void>;
  /** Sets the LastModified s3rver reports for a key of the main bucket (it reads its file's mtime). */
  setModified(key: string, at: Date): Promise<void>;
  /** Stops the proxy and s3rver and removes the temp directory. */
  stop(): Promise<void>;
}

/** Starts s3rver on a free loopback port with one empty bucket; sets the fake credentials in process.env. */
export async function startS3(options: StartS3Options & { faults: true }): Promise<TestS3 & { faults: S3Faults }>;
export async function startS3(options?: StartS3Options): Promise<TestS3>;
export async function startS3(options: StartS3Options = {}): Promise<TestS3 & { faults?: S3Faults }> {
  process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey;
  const bucket = options.bucket ?? 'musehub-blobs';
  const directory = await mkdtemp(path.join(tmpdir(), 'mhgc-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const direct = `http://127.0.0.1:${port}`;
  const proxy = options.faults ? await startFaultProxy(port) : undefined;
  const endpoint = proxy?.endpoint ?? direct;
  const client = new S3Client({
    endpoint: direct,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
  });
  const keysOf = async (name: string): Promise<string[]> => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: name, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  };
  const params = new URLSearchParams({ endpoint, region: 'us-east-1' });
  if (options.prefix) params.set('prefix', options.prefix);
  return {
    url: `s3://${bucket}?${params.toString()}`,
    bucket,
    endpoint,
    faults: proxy?.faults,
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    keys: (name = bucket) => keysOf(name),
    async clear(name = bucket) {
      const keys = await keysOf(name);
      for (let start = 0; start < keys.length; start += 1000) {
        await client.send(
          new DeleteObjectsCommand({
            Bucket: name,
            Delete: { Objects: keys.slice(start, start + 1000).map((Key) => ({ Key })), Quiet: true },
          }),
        );
      }
    },
    async setModified(key, at) {
      const parts = key.split('/');
      await utimes(path.join(directory, bucket, ...parts.slice(0, -1), `${parts.at(-1)}._S3rver_object`), at, at);
    },
    async stop() {
      client.destroy();
      await proxy?.close();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
