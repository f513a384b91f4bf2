/**
 * The blob store: one blob per id, shared by every repo. Objects and fetch mpacks
 * use the same key scheme: id `sha256:ab…` lives at key `objects/sha256_ab…`.
 */

/** A blob as MuseHub's rows name it: its id and, where set, its canonical location. */
export interface BlobRef {
  id: string;
  /** `local://objects/<key>` or `s3://<bucket>/<key>`; overrides the key derived from `id`. */
  storageUri?: string | null;
}

/** What happened to one blob of a batch delete. */
export interface DeleteOutcome {
  ref: BlobRef;
  /** True when the blob is gone now, including when it was already gone. */
  deleted: boolean;
  /** Set when the blob was not there to begin with (still counts as deleted); S3 cannot tell, so only the file store sets it. */
  alreadyGone?: boolean;
  /** Why it could not be deleted, after retries. */
  error?: string;
  /** Set with `error` when the store will not delete it at all (deleteRefusal): retrying changes nothing. */
  refused?: true;
}

export interface BlobStore {
  /** The store's URL with any secret removed, for titles and logs. */
  readonly url: string;
  /**
   * Which store this is, as the journal records it beside each entry: the file store's root as a real
   * path, an S3 store's endpoint, bucket and prefix. Two stores with one identity delete in one place.
   */
  readonly identity: string;
  /**
   * Verifies the store is reachable and usable without changing anything (a dry run may call it):
   * a directory must exist and be writable, a bucket must answer. Throws a UserError naming what to check.
   */
  check(): Promise<void>;
  /** Stores a blob atomically; a UserError when the key is unsafe or the store refuses. */
  put(ref: BlobRef, bytes: Uint8Array): Promise<void>;
  /** The blob's bytes, or undefined when there is none; a UserError when the key is unsafe. */
  get(ref: BlobRef): Promise<Uint8Array | undefined>;
  exists(ref: BlobRef): Promise<boolean>;
  /**
   * Deletes many blobs, reporting each one's outcome in the order of `refs`; never throws for a
   * single key (an unsafe key, a foreign storage_uri, a key outside what the store may delete is an
   * outcome with `error`). It deletes only under `objects/` of its own root, or bucket and prefix
   * (and the buckets its URL allows): see deleteRefusal. Throws a UserError only when the whole store
   * refuses or cannot be reached. `onProgress` gets the count of keys with a final outcome so far.
   */
  deleteMany(refs: readonly BlobRef[], onProgress?: (done: number) => void): Promise<DeleteOutcome[]>;
  /**
   * Why this store will not delete `ref` (a key outside `objects/`, another bucket or prefix, a key
   * that could escape; in a directory, a link on the way or not a regular file), as deleteMany would
   * refuse it; undefined when it may. Changes nothing.
   */
  deleteRefusal(ref: BlobRef): string | undefined;
  /**
   * Every key under `prefix` (relative to the store, as keyForId makes them) with its size and
   * last-modified time, in no particular order, streamed. A listing that cannot finish throws:
   * it never ends early as if the rest were not there.
   */
  list(prefix: string, options?: ListOptions): AsyncIterable<ListedBlob>;
  /** The storage_uri a MuseHub row would hold to name `key` of this store: `local://<key>`, `s3://<bucket>/<key>`. */
  uriOf(key: string): string;
  close(): Promise<void>;
}

/** A key as a listing finds it. */
export interface ListedBlob {
  key: string;
  size: number;
  lastModified: Date;
}

export interface ListOptions {
  /**
   * Keys that split the listing into ranges a store may list in parallel (S3 pages through each
   * range at once); every key is listed once whatever the bounds.
   */
  bounds?: readonly string[];
}

/** Where every blob key lies, and the only place a store deletes. */
export const OBJECTS_PREFIX = 'objects/';

/** The bounds that split `objects/` evenly: blob keys are `objects/sha256_` and uniform hex. */
export const OBJECT_KEY_BOUNDS: readonly string[] = [...'123456789abcdef'].map((digit) => `objects/sha256_${digit}`);

/** The key of a blob id: `sha256:ab…` → `objects/sha256_ab…`. */
export function keyForId(id: string): string {
  return `${OBJECTS_PREFIX}${id.replace(':', '_')}`;
}
