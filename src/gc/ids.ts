/**
 * Identifier shapes from MuseHub's schema. msgpackr can decode a flipped byte
 * without complaint, so every id read from a manifest is checked here.
 */
const COMMIT_ID = /^[0-9a-f]{64}$/;
const OBJECT_ID = /^sha256:[0-9a-f]{64}$/;

/** A commit or snapshot id: 64 lowercase hex digits. */
export function isCommitId(value: unknown): value is string {
  return typeof value === 'string' && COMMIT_ID.test(value);
}

/** An object or mpack id: `sha256:` and 64 lowercase hex digits. */
export function isObjectId(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID.test(value);
}

/** The first characters of an id, as operators read them in lists. */
export function shortId(id: string): string {
  return id.startsWith('sha256:') ? id.slice(7, 19) : id.slice(0, 12);
}
