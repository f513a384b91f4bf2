/**
 * Blobs as files under a root directory, at the path their key names. Writes are
 * atomic (temp file + rename) so a reader never sees half a blob. Deletes reach only
 * regular files under `<root>/objects/`, through no symbolic link (no-follow.ts).
 */
import { randomBytes } from 'node:crypto';
import { constants, lstatSync, realpathSync, rmdirSync, type Dir, type Stats } from 'node:fs';
import { access, lstat, mkdir, opendir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError, UnavailableError, UserError, messageOf } from '../errors.js';
import type { BlobRef, BlobStore, DeleteOutcome, ListedBlob } from './blob-store.js';
import { checkDeletable, locateBlob } from './keys.js';
import { NoFollowDirs } from './no-follow.js';
import { forEachLimited } from './pool.js';
import { formatStorageUrl } from './url.js';

// Names of in-progress writes; list() skips them, no blob key starts with a dot.
const TEMP_MARK = '.mhgc-tmp-';
// Blobs a set of directory handles serves: a directory pruned and made again meanwhile is opened
// afresh at the next batch.
const DELETE_BATCH = 2000;
// Unlinks in flight, on libuv's thread pool: the event loop stays free for the run's statements on
// its other connections, and the store's lookups through /proc overlap.
const UNLINKS_IN_FLIGHT = 8;
// Names a listing stats at once: a directory of a million names is read in steps of this many.
const STAT_BATCH = 256;

/** A blob store in a local directory (`file:///abs/dir`). */
export class FileBlobStore implements BlobStore {
  readonly url: string;

  /** `root` is the absolute directory holding `objects/`. */
  constructor(readonly root: string) {
    this.url = formatStorageUrl({ kind: 'file', root });
  }

  /** The root's real path: a link to the root, or another spelling of it, is the same store. */
  get identity(): string {
    let real = this.root;
    try {
      real = realpathSync(this.root);
    } catch {
      // A root that is not there yet: check() says so before anything is deleted.
    }
    return pathToFileURL(real).href;
  }

  async check(): Promise<void> {
    let info: Stats;
    try {
      info = await stat(this.root);
    } catch (error) {
      if (codeOf(error) === 'ENOENT')
        throw new UsageError(`storage directory ${this.root} does not exist: create it or fix the file:// URL`);
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
    const outcomes: DeleteOutcome[] = new Array(refs.length);
    for (let start = 0; start < refs.length; start += DELETE_BATCH) {
      const batch = refs.slice(start, start + DELETE_BATCH);
      // A handle is closed only once no unlink in flight names a path through it: its number could
      // otherwise be reused by another directory under an unlink's feet.
      const dirs = new NoFollowDirs(this.root);
      const emptied = new Set<string>();
      try {
        await forEachLimited(batch, UNLINKS_IN_FLIGHT, async (ref, index) => {
          outcomes[start + index] = await this.deleteOne(ref, dirs, emptied);
        });
        for (const dir of [...emptied].sort().reverse()) this.pruneEmptyParents(dir, dirs);
      } finally {
        dirs.close();
      }
      onProgress?.(start + batch.length);
    }
    return outcomes;
  }

  deleteRefusal(ref: BlobRef): string | undefined {
    const dirs = new NoFollowDirs(this.root);
    try {
      const place = this.locate(ref, dirs);
      let found: { dir: string; file: string } | DeleteOutcome;
      try {
        found = 'ref' in place ? place : this.judge(ref, place, lstatSync(place.file, { throwIfNoEntry: false }));
      } catch (error) {
        found = this.failed(ref, error);
      }
      return 'ref' in found && found.refused ? found.error : undefined;
    } finally {
      dirs.close();
    }
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
    await this.refuseLinks(dirKey);
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
    const listed = await Promise.all(
      keys.map(async (key): Promise<ListedBlob | undefined> => {
        try {
          const info = await stat(path.join(this.root, ...key.split('/')));
          return { key, size: info.size, lastModified: info.mtime };
        } catch (error) {
          if (codeOf(error) === 'ENOENT') return undefined;
          throw error;
        }
      }),
    );
    return listed.filter((blob) => blob !== undefined);
  }

  private pathOf(ref: BlobRef): string {
    return path.join(this.root, ...locateBlob(ref, 'file').key.split('/'));
  }

  /** The key of `ref` when this store may delete it: under objects/; else a UserError saying why not. */
  private deletableKey(ref: BlobRef): string {
    const { key } = locateBlob(ref, 'file');
    return checkDeletable(key, '', ref.storageUri ?? `local://${key}`);
  }

  /** Deletes the blob `ref` names; its directory joins `emptied`, to be pruned once the batch is done. */
  private async deleteOne(ref: BlobRef, dirs: NoFollowDirs, emptied: Set<string>): Promise<DeleteOutcome> {
    const place = this.locate(ref, dirs);
    if ('ref' in place) return place;
    let found: { dir: string; file: string } | DeleteOutcome;
    try {
      found = this.judge(ref, place, await lstat(place.file));
    } catch (error) {
      found = this.failed(ref, error);
    }
    if ('ref' in found) return found;
    try {
      await unlink(found.file);
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return { ref, deleted: true, alreadyGone: true };
      return { ref, deleted: false, error: `${codeOf(error) ?? 'error'}: ${messageOf(error)}` };
    }
    emptied.add(found.dir);
    return { ref, deleted: true };
  }

  /**
   * Where the blob `ref` names would be under objects/, reached through no link (its directory's key
   * and a path to it through `dirs`); or, when there is nothing to delete there, the outcome that says why.
   */
  private locate(ref: BlobRef, dirs: NoFollowDirs): { key: string; dir: string; file: string } | DeleteOutcome {
    try {
      const key = this.deletableKey(ref);
      const dir = key.slice(0, key.lastIndexOf('/'));
      return { key, dir, file: dirs.pathTo(dir, key.slice(dir.length + 1)) };
    } catch (error) {
      return this.failed(ref, error);
    }
  }

  /** The blob at `place` when its lstat (lstat, not stat: a link is not followed) says it is a regular file. */
  private judge(
    ref: BlobRef,
    place: { key: string; dir: string; file: string },
    info: Stats | undefined,
  ): { dir: string; file: string } | DeleteOutcome {
    // A blob already gone (a resumed journal) counts as deleted.
    if (!info) return { ref, deleted: true, alreadyGone: true };
    if (info.isDirectory()) return { ref, deleted: false, error: `EISDIR: ${place.key} is a directory, not a blob` };
    if (!info.isFile()) {
      const error = `refused: ${place.key} is not a regular file: the store deletes only blobs`;
      return { ref, deleted: false, refused: true, error };
    }
    return place;
  }

  /** The outcome of a blob whose place could not be reached or looked at. */
  private failed(ref: BlobRef, error: unknown): DeleteOutcome {
    const code = codeOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ref, deleted: true, alreadyGone: true };
    // An unsafe or foreign key, a key outside objects/, a link on the way: no retry changes that.
    if (error instanceof UserError) return { ref, deleted: false, refused: true, error: error.message };
    return { ref, deleted: false, error: code ? `${code}: ${messageOf(error)}` : messageOf(error) };
  }

  // Removes directories the delete left empty, through the same handles, stopping below `objects/`.
  private pruneEmptyParents(dir: string, dirs: NoFollowDirs): void {
    for (let current = dir; current.includes('/'); current = current.slice(0, current.lastIndexOf('/'))) {
      const parent = current.slice(0, current.lastIndexOf('/'));
      try {
        dirs.forget(current);
        rmdirSync(dirs.pathTo(parent, current.slice(parent.length + 1)));
      } catch (error) {
        // ENOENT: a concurrent delete pruned it first; go on upwards. Anything else: not empty, stop.
        if (codeOf(error) !== 'ENOENT') return;
      }
    }
  }

  /** A listing goes through no link: `objects` (or any directory of `dirKey`) being one is refused. */
  private async refuseLinks(dirKey: string): Promise<void> {
    const segments = dirKey.split('/').filter((segment) => segment !== '');
    for (let depth = 1; depth <= segments.length; depth++) {
      const where = path.join(this.root, ...segments.slice(0, depth));
      const info = await lstat(where).catch((error: unknown) => {
        if (codeOf(error) === 'ENOENT') return undefined;
        throw error;
      });
      if (info?.isSymbolicLink()) {
        throw new UnavailableError(
          `storage path ${where} is a symbolic link: musehub-gc lists and deletes nothing ` +
            `through a link; make it a directory of ${this.root}`,
        );
      }
    }
  }

  private refusal(error: unknown, where: string): unknown {
    const code = codeOf(error);
    if (code === 'EACCES' || code === 'EPERM')
      return new UnavailableError(
        `storage path ${where} is not accessible (${code}): check the permissions of ${this.root} for this user`,
      );
    if (code === 'EROFS')
      return new UnavailableError(`storage path ${where} is on a read-only file system: mount ${this.root} writable`);
    if (code === 'ENOSPC' || code === 'EDQUOT')
      return new UnavailableError(`no space left for ${where} (${code}): free space under ${this.root}`);
    if (code === 'ENOTDIR' || code === 'EEXIST')
      return new UnavailableError(
        `storage path ${where} runs through a file where a directory should be: check ${this.root}`,
      );
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
