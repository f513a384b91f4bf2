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
  /** Set when the blob was not there to begin with (still counts as deleted). */
  alreadyGone?: boolean;
  /** Why it could not be deleted, after retries. */
  error?: string;
}

export interface BlobStore {
  /** The store's URL with any secret removed, for titles and logs. */
  readonly url: string;
  put(ref: BlobRef, bytes: Uint8Array): Promise<void>;
  /** The blob's bytes, or undefined when there is none. */
  get(ref: BlobRef): Promise<Uint8Array | undefined>;
  exists(ref: BlobRef): Promise<boolean>;
  /** Deletes many blobs, reporting each one's outcome; never throws for a single key. */
  deleteMany(refs: readonly BlobRef[], onProgress?: (done: number) => void): Promise<DeleteOutcome[]>;
  /** Every key under `prefix`, in no particular order. */
  list(prefix: string): AsyncIterable<string>;
  close(): Promise<void>;
}

/** The key of a blob id: `sha256:ab…` → `objects/sha256_ab…`. */
export function keyForId(id: string): string {
  return `objects/${id.replace(':', '_')}`;
}
