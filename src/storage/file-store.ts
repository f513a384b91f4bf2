/**
 * Blobs as files under a root directory, at the path their key names. Writes are
 * atomic (temp file + rename) so a reader never sees half a blob.
 */
import { randomBytes } from 'node:crypto';
import { constants, existsSync, rmdirSync, unlinkSync, type Dir, type Stats } from 'node:fs';
import { access, mkdir, opendir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, UnavailableError, messageOf } from '../errors.js';
import type { BlobRef, BlobStore, DeleteOutcome, ListedBlob } from './blob-store.js';
import { locateBlob } from './keys.js';
import { formatStorageUrl } from './url.js';

// Names of in-progress writes; list() skips them, no blob key starts with a dot.
const TEMP_MARK = '.mhgc-tmp-';
// Unlinks per turn of the event loop: synchronous unlinks are several times faster than the
// thread pool's, and a batch this small keeps the console drawing.
const DELETE_BATCH = 500;
// Names a listing stats at once: a directory of a million names is read in steps of this many.
const STAT_BATCH = 256;

/** A blob store in a local directory (`file:///abs/dir`). */
export class FileBlobStore implements BlobStore {
  readonly url: string;

  /** `root` is the absolute directory holding `objects/`. */
  constructor(readonly root: string) {
    this.url = formatStorageUrl({ kind: 'file', root });
  }

  async check(): Promise<void> {
    let info: Stats;
    try {
      info = await stat(this.root);
    } catch (error) {
      if (codeOf(error) === 'ENOENT') throw new UsageError(`storage directory ${this.root} does not exist: create it or fix the file:// URL`);
      throw this.refusal(error, this.root);
    }
    if (!info.isDirectory()) throw new UsageError(`storage path ${this.root} is not a directory: fix the file:// URL`);
    try {
      await access(this.root, constants.R_OK | constants.W_OK | constants.X_OK);
    } catch (error) {
      throw this.refusal(error, this.root);
    }
  }

  async put(ref: BlobRef, bytes: Uint8Array): Promise<void> {
    const file = this.pathOf(ref);
    const dir = path.dirname(file);
    const temp = path.join(dir, `${TEMP_MARK}${path.basename(file)}-${randomBytes(6).toString('hex')}`);
    // A concurrent deleteMany may prune the directory between mkdir and write: try again.
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(dir, { recursive: true });
        await writeFile(temp, bytes);
        await rename(temp, file);
        return;
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        if (codeOf(error) === 'ENOENT' && attempt < 3) continue;
        throw this.refusal(error, dir);
      }
    }
  }

  async get(ref: BlobRef): Promise<Uint8Array | undefined> {
    const file = this.pathOf(ref);
    try {
      return new Uint8Array(await readFile(file));
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return undefined;
      throw this.refusal(error, file);
    }
  }

  async exists(ref: BlobRef): Promise<boolean> {
    const file = this.pathOf(ref);
    try {
      return (await stat(file)).isFile();
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return false;
      throw this.refusal(error, file);
    }
  }

  async deleteMany(refs: readonly BlobRef[], onProgress?: (done: number) => void): Promise<DeleteOutcome[]> {
    const outcomes: DeleteOutcome[] = [];
    for (let start = 0; start < refs.length; start += DELETE_BATCH) {
      for (const ref of refs.slice(start, start + DELETE_BATCH)) outcomes.push(this.deleteOne(ref));
      onProgress?.(outcomes.length);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return outcomes;
  }

  /** One directory stream, its names stat-ed a batch at a time; `bounds` do not apply to a single stream. */
  async *list(prefix: string): AsyncIterable<ListedBlob> {
    // `objects/sha256_ab` lists directory `objects/` and keeps names starting with `sha256_ab`.
    const slash = prefix.lastIndexOf('/');
    const dirKey = prefix.slice(0, slash + 1);
    const namePrefix = prefix.slice(slash + 1);
    if (dirKey.split('/').some((segment) => segment === '..') || path.isAbsolute(prefix)) {
      throw new UsageError(`list prefix '${prefix}' could escape the store: use a relative prefix such as objects/`);
    }
    let batch: string[] = [];
    for await (const key of walk(path.join(this.root, dirKey), dirKey)) {
      if (!key.slice(dirKey.length).startsWith(namePrefix)) continue;
      batch.push(key);
      if (batch.length === STAT_BATCH) {
        yield* await this.statAll(batch);
        batch = [];
      }
    }
    yield* await this.statAll(batch);
  }

  uriOf(key: string): string {
    return `local://${key}`;
  }

  async close(): Promise<void> {}

  /** The listed keys with their sizes and times; a key deleted since it was read is left out. */
  private async statAll(keys: string[]): Promise<ListedBlob[]> {
    const listed = await Promise.all(keys.map(async (key): Promise<ListedBlob | undefined> => {
      try {
        const info = await stat(path.join(this.root, ...key.split('/')));
        return { key, size: info.size, lastModified: info.mtime };
      } catch (error) {
        if (codeOf(error) === 'ENOENT') return undefined;
        throw error;
      }
    }));
    return listed.filter((blob) => blob !== undefined);
  }

  private pathOf(ref: BlobRef): string {
    return path.join(this.root, ...locateBlob(ref, 'file').key.split('/'));
  }

  private deleteOne(ref: BlobRef): DeleteOutcome {
    let file: string;
    try {
      file = this.pathOf(ref);
    } catch (error) {
      return { ref, deleted: false, error: messageOf(error) };
    }
    // A blob already gone is common (a resumed journal): asking costs a tenth of the error unlink throws.
    if (!existsSync(file)) return { ref, deleted: true, alreadyGone: true };
    try {
      unlinkSync(file);
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return { ref, deleted: true, alreadyGone: true };
      return { ref, deleted: false, error: `${codeOf(error) ?? 'error'}: ${messageOf(error)}` };
    }
    this.pruneEmptyParents(path.dirname(file));
    return { ref, deleted: true };
  }

  // Removes directories the delete left empty, stopping below the root's top-level directory (`objects/`).
  private pruneEmptyParents(dir: string): void {
    for (let current = dir; path.dirname(path.relative(this.root, current)) !== '.'; current = path.dirname(current)) {
      try {
        rmdirSync(current);
      } catch (error) {
        // ENOENT: a concurrent delete pruned it first; go on upwards. Anything else: not empty, stop.
        if (codeOf(error) !== 'ENOENT') return;
      }
    }
  }

  private refusal(error: unknown, where: string): unknown {
    const code = codeOf(error);
    if (code === 'EACCES' || code === 'EPERM') return new UnavailableError(`storage path ${where} is not accessible (${code}): check the permissions of ${this.root} for this user`);
    if (code === 'EROFS') return new UnavailableError(`storage path ${where} is on a read-only file system: mount ${this.root} writable`);
    if (code === 'ENOSPC' || code === 'EDQUOT') return new UnavailableError(`no space left for ${where} (${code}): free space under ${this.root}`);
    if (code === 'ENOTDIR' || code === 'EEXIST') return new UnavailableError(`storage path ${where} runs through a file where a directory should be: check ${this.root}`);
    return error;
  }
}

// Depth first, one open directory handle per level, so a million names never sit in one array.
async function* walk(dir: string, keyPrefix: string): AsyncGenerator<string> {
  let handle: Dir;
  try {
    handle = await opendir(dir);
  } catch (error) {
    if (codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR') return;
    throw error;
  }
  for await (const entry of handle) {
    if (entry.name.startsWith(TEMP_MARK)) continue;
    if (entry.isDirectory()) yield* walk(path.join(dir, entry.name), `${keyPrefix}${entry.name}/`);
    else if (entry.isFile()) yield `${keyPrefix}${entry.name}`;
  }
}

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
