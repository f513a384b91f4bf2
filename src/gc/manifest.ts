/**
 * Snapshot manifests: a MessagePack map {path: object_id}, read strictly from its bytes.
 * A manifest proves which objects are live only when it is exactly one flat map whose keys
 * are str (valid UTF-8, each once) and whose values are object ids, with nothing after it.
 * Anything else is reported and proves nothing; it is never read as empty, and never read
 * through a decoder that turns keys into strings (`{1: A, "1": B}` would lose A). See
 * docs/manifests.md.
 */
import { Buffer, isUtf8 } from 'node:buffer';

export type ManifestReading =
  | { ok: true; entries: Array<[path: string, objectId: string]> }
  | { ok: false; problem: string };

/** Hands over one object id: the bytes `[start, end)` of `text`, valid during the call. */
export type VisitObject = (text: Uint8Array, start: number, end: number) => void;

/** Decodes a manifest whole: its entries in order, or why it proves nothing. For one manifest at a time (details). */
export function readManifest(blob: Uint8Array | null | undefined): ManifestReading {
  const bytes = blob ?? null;
  const problem = checkManifest(bytes);
  if (problem !== undefined) return { ok: false, problem };
  const text = Buffer.from(bytes!.buffer, bytes!.byteOffset, bytes!.byteLength);
  const entries: Array<[string, string]> = [];
  forEachEntry(text, (keyStart, keyEnd, valueStart, valueEnd) =>
    entries.push([text.toString('utf8', keyStart, keyEnd), text.toString('latin1', valueStart, valueEnd)]),
  );
  return { ok: true, entries };
}

/**
 * Hands every object id of a valid manifest to `visit`, in place, without a string per entry,
 * and returns undefined; or returns why the manifest proves nothing, having visited none.
 */
export function visitManifestObjects(bytes: Uint8Array | null, visit: VisitObject): string | undefined {
  const problem = checkManifest(bytes);
  if (problem !== undefined) return problem;
  forEachEntry(bytes!, (_keyStart, _keyEnd, valueStart, valueEnd) => visit(bytes!, valueStart, valueEnd));
  return undefined;
}

const decoder = new TextDecoder();

/** `sha256:` and 64 lowercase hex digits, as MessagePack writes it: a str8 header, then the text. */
const OBJECT_ID_LENGTH = 71;
const OBJECT_PREFIX = [115, 104, 97, 50, 53, 54, 58];
/** The fewest bytes an entry takes: an empty fixstr key, then an object id in a str8. */
const MIN_ENTRY_BYTES = 1 + 2 + OBJECT_ID_LENGTH;

/**
 * Where FNV-1a starts hashing a key: random per process, so that keys written to collide (and
 * slow the duplicate check to a crawl) cannot be prepared in advance. An int32, as slots keep it.
 */
const HASH_SEED = (0x811c9dc5 ^ (Math.random() * 2 ** 32)) | 0;

const LOWER_HEX = new Uint8Array(256);
for (const c of '0123456789abcdef') LOWER_HEX[c.charCodeAt(0)] = 1;

/** Why `bytes` is not a valid manifest, or undefined when it is. One pass, no string unless it fails. */
function checkManifest(bytes: Uint8Array | null): string | undefined {
  if (bytes === null) return 'has no manifest';
  const length = bytes.length;
  if (length === 0) return 'manifest does not decode (it is empty)';
  const head = bytes[0]!;
  const headerLength = mapHeaderLength(head);
  if (headerLength === 0) return `manifest is ${kindOf(head)}, not a map of path to object id`;
  if (headerLength > length) return 'manifest does not decode (cut short in its header)';
  const count = mapCount(bytes);
  // A header claiming more entries than the bytes can hold is cut short; it allocates nothing.
  if (count * MIN_ENTRY_BYTES > length - headerLength) {
    return `manifest does not decode (cut short: ${count} entries cannot fit in ${length} bytes)`;
  }
  const keys = keySetFor(count);
  let p = headerLength;
  for (let entry = 1; entry <= count; entry++) {
    if (p >= length) return cutShort(entry);
    const keyHeader = strHeaderLength(bytes[p]!);
    if (keyHeader === 0) return `manifest has a key that is ${kindOf(bytes[p]!)}, not a path (entry ${entry})`;
    if (p + keyHeader > length) return cutShort(entry);
    const keyStart = p + keyHeader;
    const keyEnd = keyStart + strLength(bytes, p);
    if (keyEnd + 2 + OBJECT_ID_LENGTH > length) return cutShort(entry);
    let hash = HASH_SEED;
    let high = 0;
    for (let i = keyStart; i < keyEnd; i++) {
      const c = bytes[i]!;
      high |= c;
      hash = Math.imul(hash ^ c, 0x01000193);
    }
    if (high >= 0x80 && !isUtf8(bytes.subarray(keyStart, keyEnd))) {
      return `manifest has a key that is not UTF-8 text (entry ${entry})`;
    }
    if (!keys.add(bytes, keyStart, keyEnd, hash)) {
      return `manifest has the path ${pathAt(bytes, keyStart, keyEnd)} twice`;
    }

    // An object id is 71 bytes: a str8, or (not minimal, still MessagePack) a str16 or str32.
    const valueHeader = strHeaderLength(bytes[keyEnd]!);
    const valueStart = keyEnd + valueHeader;
    if (
      valueHeader < 2 ||
      valueStart + OBJECT_ID_LENGTH > length ||
      strLength(bytes, keyEnd) !== OBJECT_ID_LENGTH ||
      !isObjectIdAt(bytes, valueStart)
    ) {
      return `manifest names an invalid object id at ${pathAt(bytes, keyStart, keyEnd)}`;
    }
    p = valueStart + OBJECT_ID_LENGTH;
  }
  return p === length ? undefined : `manifest does not decode (${length - p} bytes follow its map)`;
}

/** Calls `each` with the key and value bounds of every entry of a manifest checkManifest accepted. */
function forEachEntry(
  bytes: Uint8Array,
  each: (keyStart: number, keyEnd: number, valueStart: number, valueEnd: number) => void,
): void {
  const count = mapCount(bytes);
  let p = mapHeaderLength(bytes[0]!);
  for (let entry = 0; entry < count; entry++) {
    const keyStart = p + strHeaderLength(bytes[p]!);
    const keyEnd = keyStart + strLength(bytes, p);
    const valueStart = keyEnd + strHeaderLength(bytes[keyEnd]!);
    p = valueStart + OBJECT_ID_LENGTH;
    each(keyStart, keyEnd, valueStart, p);
  }
}

/** The bytes of a map header starting with `head`: 0 when it is not a map. */
function mapHeaderLength(head: number): number {
  return (head & 0xf0) === 0x80 ? 1 : head === 0xde ? 3 : head === 0xdf ? 5 : 0;
}

/** The entries a map header (whole) says follow it. */
function mapCount(bytes: Uint8Array): number {
  const head = bytes[0]!;
  return head === 0xde ? readUint16(bytes, 1) : head === 0xdf ? readUint32(bytes, 1) : head & 0x0f;
}

/** The bytes of a str header starting with `head`: 0 when it is not a str. */
function strHeaderLength(head: number): number {
  return (head & 0xe0) === 0xa0 ? 1 : head === 0xd9 ? 2 : head === 0xda ? 3 : head === 0xdb ? 5 : 0;
}

/** The length a str header (whole, at `p`) gives its text. */
function strLength(bytes: Uint8Array, p: number): number {
  const head = bytes[p]!;
  return (head & 0xe0) === 0xa0
    ? head & 0x1f
    : head === 0xd9
      ? bytes[p + 1]!
      : head === 0xda
        ? readUint16(bytes, p + 1)
        : readUint32(bytes, p + 1);
}

function readUint16(bytes: Uint8Array, p: number): number {
  return (bytes[p]! << 8) | bytes[p + 1]!;
}

function readUint32(bytes: Uint8Array, p: number): number {
  return bytes[p]! * 2 ** 24 + ((bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!);
}

function isObjectIdAt(bytes: Uint8Array, start: number): boolean {
  for (let i = 0; i < OBJECT_PREFIX.length; i++) if (bytes[start + i] !== OBJECT_PREFIX[i]) return false;
  for (let p = start + OBJECT_PREFIX.length; p < start + OBJECT_ID_LENGTH; p++) {
    if (LOWER_HEX[bytes[p]!] === 0) return false;
  }
  return true;
}

function cutShort(entry: number): string {
  return `manifest does not decode (cut short in entry ${entry})`;
}

/** A key for a message: quoted, shortened. */
function pathAt(bytes: Uint8Array, start: number, end: number): string {
  return JSON.stringify(decoder.decode(bytes.subarray(start, Math.min(end, start + 80))));
}

/** What a MessagePack value starting with `head` is, for a message. */
function kindOf(head: number): string {
  if (head <= 0x7f || head >= 0xe0 || (head >= 0xcc && head <= 0xd3)) return 'an integer';
  if ((head & 0xf0) === 0x80 || head === 0xde || head === 0xdf) return 'a map';
  if ((head & 0xf0) === 0x90 || head === 0xdc || head === 0xdd) return 'an array';
  if ((head & 0xe0) === 0xa0 || (head >= 0xd9 && head <= 0xdb)) return 'a string';
  if (head === 0xc0) return 'nil';
  if (head === 0xc2 || head === 0xc3) return 'a boolean';
  if (head === 0xca || head === 0xcb) return 'a float';
  if (head >= 0xc4 && head <= 0xc6) return 'binary';
  return head === 0xc1 ? 'not MessagePack (byte 0xc1)' : 'an extension value';
}

/**
 * The keys of one manifest, as bounds in its bytes, in an open-addressing table: a duplicate
 * is found by comparing bytes, with no string per key. Slots are [stamp, hash, start, end];
 * a slot belongs to the current manifest only when its stamp does, so the shared table is
 * never cleared. A manifest too big for it gets a table of its own, freed with it.
 */
class KeySet {
  private stamp = 0;
  private mask: number;

  constructor(private slots: Int32Array) {
    this.mask = slots.length / 4 - 1;
  }

  /** Starts a new manifest. */
  reset(): this {
    if (++this.stamp === 0x7fffffff) {
      this.slots.fill(0);
      this.stamp = 1;
    }
    return this;
  }

  /** False when the same key bytes were added since reset. */
  add(bytes: Uint8Array, start: number, end: number, hash: number): boolean {
    const slots = this.slots;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = slot * 4;
      if (slots[at] !== this.stamp) {
        slots[at] = this.stamp;
        slots[at + 1] = hash;
        slots[at + 2] = start;
        slots[at + 3] = end;
        return true;
      }
      if (slots[at + 1] === hash && sameBytes(bytes, slots[at + 2]!, slots[at + 3]!, start, end)) return false;
    }
  }
}

function sameBytes(bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = 0; i < aEnd - aStart; i++) if (bytes[aStart + i] !== bytes[bStart + i]) return false;
  return true;
}

/** Slots of the shared table: enough for a manifest of 16,384 entries at half load. */
const SHARED_SLOTS = 1 << 15;
let shared: KeySet | undefined;

function keySetFor(entries: number): KeySet {
  if (entries * 2 <= SHARED_SLOTS) {
    shared ??= new KeySet(new Int32Array(SHARED_SLOTS * 4));
    return shared.reset();
  }
  let slots = SHARED_SLOTS;
  while (slots < entries * 2) slots *= 2;
  return new KeySet(new Int32Array(slots * 4)).reset();
}
