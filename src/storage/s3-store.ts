/**
 * Blobs in an S3-compatible bucket (AWS S3, R2, MinIO, s3rver). Credentials come
 * from the SDK's default chain (AWS_* variables, profiles), never from the URL.
 * The SDK's own retries are off: one policy (retry.ts) governs every call, so
 * per-key retries of DeleteObjects and whole-request retries share a budget.
 */
import './sdk-env.js';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { RefusedError, UnavailableError, messageOf } from '../errors.js';
import type { BlobRef, BlobStore, DeleteOutcome, ListedBlob, ListOptions } from './blob-store.js';
import { mergePages } from './merge.js';
import { checkDeletable, locateBlob } from './keys.js';
import { forEachLimited } from './pool.js';
import { DEFAULT_RETRY, backoffMs, withRetry, type RetryPolicy } from './retry.js';
import { bucketRefusal, codeOf, isRetryable, isRetryableCode, statusOf } from './s3-errors.js';
import { formatStorageUrl, type S3Location } from './url.js';

/** S3's limit of keys per DeleteObjects request. */
export const MAX_DELETE_BATCH = 1000;

/** Tuning for an S3 store; every field has a production default. */
export interface S3StoreOptions {
  /** Overrides of the retry policy (tests shrink the delays). */
  retry?: Partial<RetryPolicy>;
  /** DeleteObjects requests in flight at once (default 4). */
  concurrency?: number;
  /** Keys per DeleteObjects request, at most 1000 (the default). */
  batchSize?: number;
  /** ListObjectsV2 ranges paged through at once (default 8). */
  listConcurrency?: number;
}

type KeyResult = Pick<DeleteOutcome, 'deleted' | 'error'>;

/** A blob store in an S3-compatible bucket (`s3://bucket?endpoint=…`). */
export class S3BlobStore implements BlobStore {
  readonly url: string;
  readonly identity: string;
  private readonly client: S3Client;
  private readonly retry: RetryPolicy;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly listConcurrency: number;
  /** How messages name the service: the endpoint, or AWS S3 and its region. */
  private readonly endpointLabel: string;

  constructor(
    readonly location: S3Location,
    options: S3StoreOptions = {},
  ) {
    this.url = formatStorageUrl(location);
    // Region and allowed buckets are not where the store is: a bucket is named once per endpoint.
    this.identity = `s3://${location.bucket}/${location.prefix} at ${location.endpoint ?? 'AWS S3'}`;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.batchSize = Math.min(MAX_DELETE_BATCH, Math.max(1, options.batchSize ?? MAX_DELETE_BATCH));
    this.listConcurrency = Math.max(1, options.listConcurrency ?? 8);
    this.endpointLabel = location.endpoint ?? `AWS S3 (${location.region})`;
    this.client = new S3Client({
      region: location.region,
      endpoint: location.endpoint,
      // Custom endpoints (s3rver, MinIO, R2 by IP) rarely resolve bucket subdomains.
      forcePathStyle: location.endpoint !== undefined,
      followRegionRedirects: true,
      maxAttempts: 1,
      // Flexible checksums only where S3 demands them: several S3-compatible stores reject the rest.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
    });
  }

  async check(): Promise<void> {
    const bucket = this.location.bucket;
    await this.call(bucket, async () => {
      try {
        await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch (error) {
        // HeadBucket has no body, so a missing bucket arrives as a bare 404.
        if (statusOf(error) === 404) throw Object.assign(error as object, { Code: 'NoSuchBucket' });
        throw error;
      }
    });
  }

  async put(ref: BlobRef, bytes: Uint8Array): Promise<void> {
    const { bucket, key } = this.resolve(ref);
    await this.call(bucket, () =>
      this.client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentLength: bytes.byteLength }),
      ),
    );
  }

  async get(ref: BlobRef): Promise<Uint8Array | undefined> {
    const { bucket, key } = this.resolve(ref);
    return this.call(bucket, async () => {
      try {
        const object = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
      } catch (error) {
        if (codeOf(error) === 'NoSuchKey') return undefined;
        throw error;
      }
    });
  }

  async exists(ref: BlobRef): Promise<boolean> {
    const { bucket, key } = this.resolve(ref);
    return this.call(bucket, async () => {
      try {
        await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if (statusOf(error) === 404 && codeOf(error) !== 'NoSuchBucket') return false;
        throw error;
      }
    });
  }

  async deleteMany(refs: readonly BlobRef[], onProgress?: (done: number) => void): Promise<DeleteOutcome[]> {
    const outcomes: DeleteOutcome[] = new Array(refs.length);
    let done = 0;
    // bucket → key → indexes into refs (two rows may name one key).
    const byBucket = new Map<string, Map<string, number[]>>();
    refs.forEach((ref, index) => {
      let location: { bucket: string; key: string };
      try {
        location = this.deletable(ref);
      } catch (error) {
        outcomes[index] = { ref, deleted: false, refused: true, error: messageOf(error) };
        done++;
        return;
      }
      const keys = byBucket.get(location.bucket) ?? new Map<string, number[]>();
      byBucket.set(location.bucket, keys);
      keys.set(location.key, [...(keys.get(location.key) ?? []), index]);
    });
    if (done > 0) onProgress?.(done);

    const batches: { bucket: string; keys: string[]; indexes: Map<string, number[]> }[] = [];
    for (const [bucket, indexes] of byBucket) {
      const keys = [...indexes.keys()];
      for (let start = 0; start < keys.length; start += this.batchSize) {
        batches.push({ bucket, keys: keys.slice(start, start + this.batchSize), indexes });
      }
    }
    await forEachLimited(batches, this.concurrency, async ({ bucket, keys, indexes }) => {
      await this.deleteBatch(bucket, keys, (settled) => {
        for (const [key, result] of settled) {
          for (const index of indexes.get(key) ?? []) {
            outcomes[index] = { ref: refs[index] as BlobRef, ...result };
            done++;
          }
        }
        if (settled.size > 0) onProgress?.(done);
      });
    });
    return outcomes;
  }

  /** The ranges between `bounds` are paged through at once; a page that fails after retries fails the listing. */
  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ListedBlob> {
    const bounds = [...new Set(options.bounds ?? [])]
      .filter((bound) => bound.startsWith(prefix) && bound !== prefix)
      .sort();
    // Range i holds the keys after bound i - 1 up to bound i inclusive: StartAfter is exclusive.
    const ranges = [undefined, ...bounds].map((after, i) => this.listRange(prefix, after, bounds[i]));
    for await (const page of mergePages(ranges, this.listConcurrency)) yield* page;
  }

  deleteRefusal(ref: BlobRef): string | undefined {
    try {
      this.deletable(ref);
      return undefined;
    } catch (error) {
      return messageOf(error);
    }
  }

  uriOf(key: string): string {
    return `s3://${this.location.bucket}/${this.location.prefix}${key}`;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** The keys under `prefix` after `after` up to `upTo` (both relative to the store), page by page, in key order. */
  private async *listRange(
    prefix: string,
    after: string | undefined,
    upTo: string | undefined,
  ): AsyncGenerator<ListedBlob[]> {
    const { bucket, prefix: storePrefix } = this.location;
    let token: string | undefined;
    do {
      const page = await this.call(bucket, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: storePrefix + prefix,
            ContinuationToken: token,
            StartAfter: token === undefined && after !== undefined ? storePrefix + after : undefined,
          }),
        ),
      );
      const listed: ListedBlob[] = [];
      let ended = false;
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        const key = object.Key.slice(storePrefix.length);
        // The bounds are ASCII, so UTF-16 order agrees with S3's UTF-8 byte order against them.
        if (upTo !== undefined && key > upTo) {
          ended = true;
          break;
        }
        // A key without a time is taken as written now: too young for anything that waits out a grace period.
        listed.push({ key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date() });
      }
      yield listed;
      if (ended || !page.IsTruncated) return;
      if (!page.NextContinuationToken) {
        throw new UnavailableError(
          `bucket ${bucket} at ${this.endpointLabel} cut a listing short (truncated, with no continuation token)`,
        );
      }
      token = page.NextContinuationToken;
    } while (token);
  }

  /** The bucket and full key of a blob: the store's bucket and prefix unless its storage_uri names a place. */
  private resolve(ref: BlobRef): { bucket: string; key: string } {
    const location = locateBlob(ref, 's3');
    if (location.bucket !== undefined) return { bucket: location.bucket, key: location.key };
    return { bucket: this.location.bucket, key: this.location.prefix + location.key };
  }

  /**
   * Where deleteMany may delete `ref`: in the store's bucket, or one its URL allows, under the
   * prefix's objects/; else a RefusedError saying what to do. A row's storage_uri never widens it.
   */
  private deletable(ref: BlobRef): { bucket: string; key: string } {
    const { bucket, key } = this.resolve(ref);
    if (bucket !== this.location.bucket && !this.location.allowBuckets.includes(bucket)) {
      throw new RefusedError(
        `refused: s3://${bucket}/${key} is in bucket ${bucket}, ` +
          `not the store's ${this.location.bucket}: if this hub keeps blobs there, add allow-bucket=${bucket} to the storage URL`,
      );
    }
    return { bucket, key: checkDeletable(key, this.location.prefix, `s3://${bucket}/${key}`) };
  }

  /** Runs one request under the retry policy; a refusing or unreachable bucket becomes a UserError. */
  private async call<T>(bucket: string, send: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(this.retry, isRetryable, send);
    } catch (error) {
      const refusal = bucketRefusal(error, bucket, this.endpointLabel);
      if (refusal) throw refusal;
      if (isRetryable(error)) {
        throw new UnavailableError(
          `bucket ${bucket} at ${this.endpointLabel} still answers ${codeOf(error)} after ${this.retry.attempts} attempts: try again later`,
        );
      }
      throw error;
    }
  }

  /**
   * Deletes up to one batch of keys, retrying the whole request on throttling and
   * the keys S3 reports a transient error for; `settle` gets each final result.
   */
  private async deleteBatch(
    bucket: string,
    keys: string[],
    settle: (results: Map<string, KeyResult>) => void,
  ): Promise<void> {
    let pending = keys;
    for (let attempt = 1; ; attempt++) {
      let problem: unknown;
      try {
        const response = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: pending.map((Key) => ({ Key })), Quiet: false },
          }),
        );
        const errors = new Map((response.Errors ?? []).map((e) => [e.Key, e]));
        const deleted = new Set((response.Deleted ?? []).map((d) => d.Key));
        const settled = new Map<string, KeyResult>();
        const retry: string[] = [];
        for (const key of pending) {
          const error = errors.get(key);
          if (error && !isRetryableCode(error.Code))
            settled.set(key, { deleted: false, error: `${error.Code}: ${error.Message ?? 'no message'}` });
          else if (!error && deleted.has(key)) settled.set(key, { deleted: true });
          else retry.push(key);
        }
        settle(settled);
        const first = retry[0] === undefined ? undefined : errors.get(retry[0]);
        problem = first ? first.Code : 'no outcome reported';
        pending = retry;
      } catch (error) {
        const refusal = bucketRefusal(error, bucket, this.endpointLabel);
        if (!isRetryable(error)) {
          if (refusal) throw refusal;
          settle(
            new Map(pending.map((key) => [key, { deleted: false, error: `${codeOf(error)}: ${messageOf(error)}` }])),
          );
          return;
        }
        if (attempt >= this.retry.attempts && refusal) throw refusal;
        problem = codeOf(error);
      }
      if (pending.length === 0) return;
      if (attempt >= this.retry.attempts) {
        const error = `${String(problem)} after ${attempt} attempts`;
        settle(new Map(pending.map((key) => [key, { deleted: false, error }])));
        return;
      }
      await this.retry.sleep(backoffMs(this.retry, attempt - 1));
    }
  }
}
