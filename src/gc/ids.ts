/**
 * Identifier shapes from MuseHub's schema. msgpackr can decode a flipped byte
 * without complaint, and a json column holds whatever a client sent, so every id
 * that liveness depends on is checked here.
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

/** A commit's parents as read from its `parent_ids`, or why they cannot be. */
export type ParentReading = { ok: true; parents: string[] } | { ok: false; problem: string };

/**
 * Reads a `parent_ids` value (JSON text, or what the driver parsed): it must be an
 * array of commit ids. Anything else (a number, an object, an uppercase or short id)
 * says nothing about the commit's ancestors, so it is a problem, never "no parents".
 */
export function readParents(value: unknown): ParentReading {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return { ok: false, problem: 'parent_ids is not JSON' };
    }
  }
  if (!Array.isArray(parsed))
    return { ok: false, problem: `parent_ids is ${describe(parsed)}, not an array of commit ids` };
  const bad = parsed.find((id) => !isCommitId(id));
  if (bad !== undefined) return { ok: false, problem: `parent_ids names ${describe(bad)}, not a commit id` };
  return { ok: true, parents: parsed as string[] };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `the ${typeof value} ${String(value)}`;
}

/** Orders ids as `sort()` does. */
export function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
