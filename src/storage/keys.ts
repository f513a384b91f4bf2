/**
 * Where a blob lives: the key derived from its id, or the location its row's
 * storage_uri names. Keys are checked before any backend touches them, so a
 * crafted id or URI can never reach outside the store.
 */
import { RefusedError, type UserError, UnavailableError } from '../errors.js';
import { OBJECTS_PREFIX, keyForId, type BlobRef } from './blob-store.js';

/** A blob's place in a store: a key, and for S3 the bucket when the row names one. */
export interface BlobLocation {
  key: string;
  /** Set when a storage_uri names the bucket; the key is then taken as is, without the store's prefix. */
  bucket?: string;
}

/** The location of `ref` in a store of the given kind; a UserError when its storage_uri is foreign or its key unsafe. */
export function locateBlob(ref: BlobRef, kind: 'file' | 's3'): BlobLocation {
  const uri = ref.storageUri;
  if (!uri) return { key: checkKey(keyForId(ref.id)) };
  if (uri.startsWith('local://')) {
    if (kind !== 'file') throw foreign(ref, uri, 'a local directory', 'a file:// store');
    return { key: checkKey(uri.slice('local://'.length)) };
  }
  if (uri.startsWith('s3://')) {
    if (kind !== 's3') throw foreign(ref, uri, 'a bucket', 'an s3:// store');
    const rest = uri.slice('s3://'.length);
    const slash = rest.indexOf('/');
    if (slash <= 0)
      throw new UnavailableError(
        `storage_uri '${uri}' of ${ref.id} names no bucket and key: expected s3://<bucket>/<key>`,
      );
    return { bucket: rest.slice(0, slash), key: checkKey(rest.slice(slash + 1)) };
  }
  throw new UnavailableError(
    `storage_uri '${uri}' of ${ref.id} has an unknown scheme: expected local://<key> or s3://<bucket>/<key>`,
  );
}

/**
 * `key` (whole, within its directory or bucket) when a store whose blobs lie under `prefix` may
 * delete it: under `<prefix>objects/`. Else a RefusedError naming `uri` and where the store deletes.
 */
export function checkDeletable(key: string, prefix: string, uri: string): string {
  if (!key.startsWith(prefix + OBJECTS_PREFIX)) {
    throw new RefusedError(`refused: ${uri} is outside ${prefix}${OBJECTS_PREFIX}, the only place the store deletes`);
  }
  return key;
}

/** Returns `key` when it is a plain relative key; throws a UserError when it could escape the store. */
export function checkKey(key: string): string {
  const unsafe =
    key === '' ||
    key.startsWith('/') ||
    key.includes('\\') ||
    key.includes('\0') ||
    /^[a-z]:/i.test(key) ||
    key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..');
  if (unsafe) {
    throw new UnavailableError(
      `blob key '${key.replace(/\0/g, '\\0')}' could escape the store: refusing it; check the row's id or storage_uri`,
    );
  }
  return key;
}

function foreign(ref: BlobRef, uri: string, where: string, needed: string): UserError {
  return new UnavailableError(
    `storage_uri '${uri}' of ${ref.id} names ${where}, but the store is not ${needed}: use a storage URL of the kind the row names`,
  );
}
