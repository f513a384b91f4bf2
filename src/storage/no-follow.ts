/**
 * Paths inside a store's root that resolve through no symbolic link below the root, for deletes.
 *
 * Node has no openat/unlinkat. On Linux, /proc/self/fd/N/name names `name` inside the directory
 * that handle N holds open, whatever the path to that directory holds now, so a chain of handles
 * opened one name at a time with O_NOFOLLOW works as *at calls would: a directory swapped for a link
 * after it was opened changes nothing, and a link where a directory is fails to open. Elsewhere each
 * component is checked with lstat just before use, which leaves a window between check and use.
 */
import { closeSync, constants, existsSync, lstatSync, openSync } from 'node:fs';
import path from 'node:path';
import { RefusedError } from '../errors.js';

const FD_PATHS = existsSync('/proc/self/fd');

/** Handles on a root's directories, opened on demand and cached until forgotten or closed. */
export class NoFollowDirs {
  /** Directory key (`''` for the root, `objects`, `objects/a`) → open handle. */
  private readonly handles = new Map<string, number>();

  constructor(private readonly root: string) {}

  /**
   * A path to `name` in directory `dir` (a key relative to the root) that passes through no link
   * below the root. Throws ENOENT or ENOTDIR when a directory on the way is missing or a file, and a
   * RefusedError when one is a link.
   */
  pathTo(dir: string, name: string): string {
    if (!FD_PATHS) return this.checkedPath(dir === '' ? name : `${dir}/${name}`);
    return `/proc/self/fd/${this.handle(dir)}/${name}`;
  }

  /** Closes the handle on `dir` and those below it: after removing it. */
  forget(dir: string): void {
    for (const [key, handle] of this.handles) {
      if (key === dir || key.startsWith(`${dir}/`)) {
        closeSync(handle);
        this.handles.delete(key);
      }
    }
  }

  close(): void {
    for (const handle of this.handles.values()) closeSync(handle);
    this.handles.clear();
  }

  private handle(dir: string): number {
    const open = this.handles.get(dir);
    if (open !== undefined) return open;
    let handle: number;
    if (dir === '') {
      handle = openSync(this.root, constants.O_RDONLY | constants.O_DIRECTORY);
    } else {
      const slash = dir.lastIndexOf('/');
      const where = this.pathTo(slash < 0 ? '' : dir.slice(0, slash), dir.slice(slash + 1));
      try {
        handle = openSync(where, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if ((code === 'ELOOP' || code === 'ENOTDIR') && lstatSync(where).isSymbolicLink()) throw throughLink(dir);
        throw error;
      }
    }
    this.handles.set(dir, handle);
    return handle;
  }

  /** Without /proc: every directory from the root to `key`'s must be one, and no link. */
  private checkedPath(key: string): string {
    const segments = key.split('/');
    for (let depth = 1; depth < segments.length; depth++) {
      const dir = segments.slice(0, depth).join('/');
      const info = lstatSync(path.join(this.root, dir));
      if (info.isSymbolicLink()) throw throughLink(dir);
      if (!info.isDirectory()) throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
    }
    return path.join(this.root, ...segments);
  }
}

function throughLink(dir: string): RefusedError {
  return new RefusedError(`refused: ${dir} is a symbolic link: the store deletes nothing through a link`);
}
