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
