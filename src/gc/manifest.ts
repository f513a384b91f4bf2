/**
 * Snapshot manifests: a MessagePack map {path: object_id}. A manifest that does
 * not decode, or decodes to anything but that shape, proves nothing about which
 * objects are live, so it is reported, never read as empty.
 */
import { unpack } from 'msgpackr';
import { messageOf } from '../errors.js';
import { isObjectId } from './ids.js';

export type ManifestReading =
  | { ok: true; entries: Array<[path: string, objectId: string]> }
  | { ok: false; problem: string };

export function readManifest(blob: Uint8Array | null | undefined): ManifestReading {
  if (blob == null) return { ok: false, problem: 'has no manifest' };
  let decoded: unknown;
  try {
    decoded = unpack(blob);
  } catch (error) {
    return { ok: false, problem: `manifest does not decode (${messageOf(error)})` };
  }
  const pairs = decoded instanceof Map ? [...decoded.entries()]
    : decoded !== null && typeof decoded === 'object' && !Array.isArray(decoded) && !(decoded instanceof Uint8Array)
      ? Object.entries(decoded) : undefined;
  if (!pairs) return { ok: false, problem: 'manifest is not a map of path to object id' };
  const entries: Array<[string, string]> = [];
  for (const [path, objectId] of pairs) {
    if (typeof path !== 'string' || !isObjectId(objectId)) {
      return { ok: false, problem: `manifest names an invalid object id at ${JSON.stringify(String(path)).slice(0, 80)}` };
    }
    entries.push([path, objectId]);
  }
  return { ok: true, entries };
}

const OBJECT_PREFIX = [115, 104, 97, 50, 53, 54, 58]; // "sha256:"
const encoder = new TextEncoder();

/**
 * Hands every object id of a manifest to `visit` (as bytes, `[start, end)` of `bytes`)
 * and returns undefined, or returns why the manifest proves nothing. A map of str to
 * `sha256:<64 hex>` str is scanned in place, without a string per entry; any other
 * encoding is decided by msgpackr and the same checks as readManifest.
 */
export function visitManifestObjects(
  bytes: Uint8Array | null, visit: (text: Uint8Array, start: number, end: number) => void,
): string | undefined {
  if (bytes !== null && scanManifest(bytes, visit)) return undefined;
  const reading = readManifest(bytes);
  if (!reading.ok) return reading.problem;
  for (const [, objectId] of reading.entries) {
    const text = encoder.encode(objectId);
    visit(text, 0, text.length);
  }
  return undefined;
}

/** True when `bytes` is exactly one map of str keys to object-id str values, all visited. */
function scanManifest(bytes: Uint8Array, visit: (text: Uint8Array, start: number, end: number) => void): boolean {
  const head = bytes[0];
  let entries: number;
  let p: number;
  if (head === undefined) return false;
  if ((head & 0xf0) === 0x80) [entries, p] = [head & 0x0f, 1];
  else if (head === 0xde && bytes.length >= 3) [entries, p] = [(bytes[1]! << 8) | bytes[2]!, 3];
  else if (head === 0xdf && bytes.length >= 5) [entries, p] = [readU32(bytes, 1), 5];
  else return false;
  for (let i = 0; i < entries; i++) {
    const key = strAt(bytes, p);
    if (!key) return false;
    p = key.end;
    const value = strAt(bytes, p);
    if (!value || !isObjectIdBytes(bytes, value.start, value.end)) return false;
    visit(bytes, value.start, value.end);
    p = value.end;
  }
  return p === bytes.length;
}

/** The str at `p`: where its bytes start and end; undefined for anything but a str. */
function strAt(bytes: Uint8Array, p: number): { start: number; end: number } | undefined {
  const head = bytes[p];
  let length: number;
  let start: number;
  if (head === undefined) return undefined;
  if ((head & 0xe0) === 0xa0) [length, start] = [head & 0x1f, p + 1];
  else if (head === 0xd9) [length, start] = [bytes[p + 1] ?? -1, p + 2];
  else if (head === 0xda) [length, start] = [((bytes[p + 1] ?? 0) << 8) | (bytes[p + 2] ?? 0), p + 3];
  else if (head === 0xdb) [length, start] = [readU32(bytes, p + 1), p + 5];
  else return undefined;
  const end = start + length;
  return length >= 0 && end <= bytes.length ? { start, end } : undefined;
}

function readU32(bytes: Uint8Array, p: number): number {
  return (((bytes[p] ?? 0) << 24) >>> 0) + ((bytes[p + 1] ?? 0) << 16) + ((bytes[p + 2] ?? 0) << 8) + (bytes[p + 3] ?? 0);
}

function isObjectIdBytes(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 71) return false;
  for (let i = 0; i < 7; i++) if (bytes[start + i] !== OBJECT_PREFIX[i]) return false;
  for (let p = start + 7; p < end; p++) {
    const c = bytes[p]!;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
