/**
 * Deterministic identifiers and bytes: everything a generated hub holds derives
 * from names through sha256, so building twice gives the same hub.
 */
import { createHash } from 'node:crypto';

/** 64 lowercase hex: sha256 of the parts, for commit_id, snapshot_id and want_hash. */
export function hexId(...parts: Array<string | number>): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** 64 lowercase hex: sha256 of the bytes, for content-addressed snapshots. */
export function contentId(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** 'sha256:' + 64 hex, for object_id and mpack_id. */
export function blobId(...parts: Array<string | number>): string {
  return `sha256:${hexId(...parts)}`;
}

/** A UUID-shaped id (version 5 layout) for repo, branch, release, tag and cache rows. */
export function uuidId(...parts: Array<string | number>): string {
  const hex = hexId(...parts);
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A size in [min, max] that a blob id always gets. */
export function sizeFor(id: string, min: number, max: number): number {
  return min + (parseInt(id.slice(-8), 16) % (max - min + 1));
}

/** `size` pseudo-random bytes that `id` always gets (SHAKE256 as a stream of bytes). */
export function bytesFor(id: string, size: number): Uint8Array {
  return createHash('shake256', { outputLength: size }).update(id).digest();
}
