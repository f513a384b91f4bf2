/** Opens the blob store a storage URL names. */
import type { BlobStore } from './blob-store.js';
import { FileBlobStore } from './file-store.js';
import type { S3StoreOptions } from './s3-store.js';
import { parseStorageUrl } from './url.js';

/**
 * The store at `url` (`file:///abs/dir` or `s3://bucket?…`); a UserError (exit 2) for a bad URL.
 * It does not contact the store: call `check()` for that. The S3 SDK loads only for s3:// URLs.
 */
export async function openBlobStore(url: string, s3Options: S3StoreOptions = {}): Promise<BlobStore> {
  const location = parseStorageUrl(url);
  if (location.kind === 'file') return new FileBlobStore(location.root);
  const { S3BlobStore } = await import('./s3-store.js');
  return new S3BlobStore(location, s3Options);
}
