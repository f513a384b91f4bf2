/**
 * MuseHub ids packed to bytes, so a plan can hold a million of each kind: a sha256
 * id (a commit or snapshot's 64 hex digits, an object's `sha256:` and 64 digits) is
 * 32 bytes, a uuid (a cache row) 16. An id of the column that does not have its
 * column's shape is kept as text beside the packed ones: rows are never lost for
 * having an odd id.
 */

/** How a column's ids look: `hex` commit and snapshot ids, `sha256` object and mpack ids, `uuid` cache ids. */
export type IdShape = 'hex' | 'sha256' | 'uuid';

const PREFIX: Record<IdShape, string> = { hex: '', sha256: 'sha256:', uuid: '' };
const WIDTH: Record<IdShape, number> = { hex: 32, sha256: 32, uuid: 16 };
/** Where the dashes of a uuid's text are: 8-4-4-4-12. */
const UUID_DASHES = [8, 13, 18, 23];

const NIBBLE = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[97 + i] = 10 + i;

/**
 * Packs the id in `text[start, end)` (ASCII bytes) into `out` at `at`; false when it
 * does not have the shape, with `out` then left partly written.
 */
function packInto(shape: IdShape, text: Uint8Array, start: number, end: number, out: Uint8Array, at: number): boolean {
  const prefix = PREFIX[shape];
  const length = end - start;
  if (shape === 'uuid') {
    if (length !== 36) return false;
    let byte = 0;
    for (let i = 0; i < 36; ) {
      if (UUID_DASHES.includes(i)) {
        if (text[start + i] !== 45) return false;
        i++;
        continue;
      }
      const high = NIBBLE[text[start + i]!]!;
      const low = NIBBLE[text[start + i + 1]!]!;
      if ((high | low) < 0) return false;
      out[at + byte++] = (high << 4) | low;
      i += 2;
    }
    return true;
  }
  if (length !== prefix.length + 64) return false;
  for (let i = 0; i < prefix.length; i++) if (text[start + i] !== prefix.charCodeAt(i)) return false;
  for (let i = 0, p = start + prefix.length; i < 32; i++, p += 2) {
    const high = NIBBLE[text[p]!]!;
    const low = NIBBLE[text[p + 1]!]!;
    if ((high | low) < 0) return false;
    out[at + i] = (high << 4) | low;
  }
  return true;
}

function unpack(shape: IdShape, bytes: Uint8Array, at: number): string {
  return format(shape, Buffer.from(bytes.buffer, bytes.byteOffset + at, WIDTH[shape]).toString('hex'), 0);
}

/** The id whose packed bytes are `hex[at, at + 2 * width)`, as text. */
function format(shape: IdShape, hex: string, at: number): string {
  if (shape !== 'uuid') return PREFIX[shape] + hex.slice(at, at + 64);
  return (
    `${hex.slice(at, at + 8)}-${hex.slice(at + 8, at + 12)}-${hex.slice(at + 12, at + 16)}-` +
    `${hex.slice(at + 16, at + 20)}-${hex.slice(at + 20, at + 32)}`
  );
}

/** Ids unpacked per block: one hex conversion for many ids. */
const UNPACK_BLOCK = 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** An append-only list of ids of one shape; what a plan deletes, phase by phase. */
export class IdList implements Iterable<string> {
  private bytes: Uint8Array;
  private packed = 0;
  /** Ids without the shape, as text. */
  private readonly odd: string[] = [];
  private readonly width: number;

  constructor(
    readonly shape: IdShape,
    capacity = 64,
  ) {
    this.width = WIDTH[shape];
    this.bytes = new Uint8Array(this.width * Math.max(1, capacity));
  }

  static of(shape: IdShape, ids: Iterable<string>): IdList {
    const list = new IdList(shape);
    for (const id of ids) list.push(id);
    return list;
  }

  get size(): number {
    return this.packed + this.odd.length;
  }

  push(id: string): void {
    const text = encoder.encode(id);
    this.pushText(text, 0, text.length);
  }

  /** Adds the id in `text[start, end)`, ASCII bytes as a COPY stream carries them. */
  pushText(text: Uint8Array, start: number, end: number): void {
    this.reserve();
    if (packInto(this.shape, text, start, end, this.bytes, this.packed * this.width)) this.packed++;
    else this.odd.push(decoder.decode(text.subarray(start, end)));
  }

  /** Adds an id already packed (from an IdIndex of the same shape). */
  pushPacked(source: Uint8Array, at: number): void {
    this.reserve();
    this.bytes.set(source.subarray(at, at + this.width), this.packed * this.width);
    this.packed++;
  }

  *[Symbol.iterator](): Iterator<string> {
    const width = this.width;
    for (let i = 0; i < this.packed; i += UNPACK_BLOCK) {
      const count = Math.min(UNPACK_BLOCK, this.packed - i);
      const hex = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + i * width, count * width).toString('hex');
      for (let j = 0; j < count; j++) yield format(this.shape, hex, j * width * 2);
    }
    yield* this.odd;
  }

  /** Calls `visit` with each packed id (`bytes[at, at + width)`), then each odd id as text. */
  forEachKey(visit: (bytes: Uint8Array, at: number) => void, visitOdd: (id: string) => void): void {
    for (let i = 0; i < this.packed; i++) visit(this.bytes, i * this.width);
    for (const id of this.odd) visitOdd(id);
  }

  /** The ids in arrays of at most `size`: one array parameter per statement. */
  *chunks(size: number): Generator<string[]> {
    let chunk: string[] = [];
    for (const id of this) {
      chunk.push(id);
      if (chunk.length === size) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield chunk;
  }

  /** The first `count` ids. */
  first(count: number): string[] {
    const ids: string[] = [];
    for (const id of this) {
      if (ids.length === count) break;
      ids.push(id);
    }
    return ids;
  }

  /** The ids of this list that `keep` says yes to, as a new list. */
  filter(keep: (id: string) => boolean): IdList {
    const kept = new IdList(this.shape);
    for (const id of this) if (keep(id)) kept.push(id);
    return kept;
  }

  /** The ids `keep` says yes to (by packed key, or as text for odd ones), as a new list. */
  filterKeys(keep: (bytes: Uint8Array, at: number) => boolean, keepOdd: (id: string) => boolean): IdList {
    const kept = new IdList(this.shape, this.size);
    for (let i = 0; i < this.packed; i++)
      if (keep(this.bytes, i * this.width)) kept.pushPacked(this.bytes, i * this.width);
    for (const id of this.odd) if (keepOdd(id)) kept.push(id);
    return kept;
  }

  /** The packed bytes and the odd ids, for a plan file. */
  encode(): { packed: Uint8Array; odd: string[] } {
    return { packed: this.bytes.slice(0, this.packed * this.width), odd: [...this.odd] };
  }

  /** A list from `encode()`'s parts; throws when the packed bytes are not whole ids. */
  static decode(shape: IdShape, packed: Uint8Array, odd: readonly string[]): IdList {
    const width = WIDTH[shape];
    if (packed.length % width !== 0) throw new Error(`${packed.length} bytes are not whole ${shape} ids`);
    const list = new IdList(shape, packed.length / width);
    list.bytes.set(packed);
    list.packed = packed.length / width;
    list.odd.push(...odd);
    return list;
  }

  /** In JSON a list says how many ids it holds; the ids themselves go to a plan file. */
  toJSON(): { count: number } {
    return { count: this.size };
  }

  private reserve(): void {
    if ((this.packed + 1) * this.width > this.bytes.length) {
      const bigger = new Uint8Array(this.bytes.length * 2);
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
  }
}

/**
 * A set of ids of one shape that numbers them 0, 1, 2… as they are added: the commit
 * graph's nodes, the live objects. Open addressing over the packed bytes (sha256 ids
 * are uniform, so their first bytes are the hash); odd ids are numbered in the same
 * sequence and found through a map.
 */
export class IdIndex {
  private keys: Uint8Array;
  /** Slot → number + 1, 0 when empty. */
  private slots: Int32Array;
  private count = 0;
  private packed = 0;
  private readonly oddNumbers = new Map<string, number>();
  private readonly oddIds = new Map<number, string>();
  private readonly width: number;
  private readonly scratch: Uint8Array;

  constructor(
    readonly shape: IdShape,
    capacity = 1024,
  ) {
    this.width = WIDTH[shape];
    this.scratch = new Uint8Array(this.width);
    this.keys = new Uint8Array(this.width * Math.max(16, capacity));
    this.slots = new Int32Array(slotCount(capacity));
  }

  /** How many ids the set holds; they are numbered 0 … size - 1. */
  get size(): number {
    return this.count;
  }

  /** The number of `id`, adding it when new. */
  add(id: string): number {
    const text = encoder.encode(id);
    return this.addText(text, 0, text.length);
  }

  /** The number of the id in `text[start, end)`, adding it when new. */
  addText(text: Uint8Array, start: number, end: number): number {
    if (!packInto(this.shape, text, start, end, this.scratch, 0)) {
      const id = decoder.decode(text.subarray(start, end));
      let number = this.oddNumbers.get(id);
      if (number === undefined) {
        number = this.take();
        this.oddNumbers.set(id, number);
        this.oddIds.set(number, id);
      }
      return number;
    }
    if ((this.packed + 1) * 2 > this.slots.length) this.grow();
    const slot = this.find(this.scratch, 0);
    const found = this.slots[slot]!;
    if (found !== 0) return found - 1;
    const number = this.take();
    this.keys.set(this.scratch, number * this.width);
    this.slots[slot] = number + 1;
    this.packed++;
    return number;
  }

  /** The number of a packed id (`bytes[at, at + width)`, of this shape), adding it when new. */
  addKey(bytes: Uint8Array, at: number): number {
    if ((this.packed + 1) * 2 > this.slots.length) this.grow();
    const slot = this.find(bytes, at);
    const found = this.slots[slot]!;
    if (found !== 0) return found - 1;
    const number = this.take();
    this.keys.set(bytes.subarray(at, at + this.width), number * this.width);
    this.slots[slot] = number + 1;
    this.packed++;
    return number;
  }

  /** The number of a packed id, or -1. */
  indexOfKey(bytes: Uint8Array, at: number): number {
    return this.slots[this.find(bytes, at)]! - 1;
  }

  /** Whether `other` (of the same shape) holds the id this set numbers `number`. */
  heldBy(number: number, other: IdIndex): boolean {
    const odd = this.oddIds.get(number);
    return odd !== undefined ? other.oddNumbers.has(odd) : other.indexOfKey(this.keys, number * this.width) >= 0;
  }

  /** Adds the id `other` (of the same shape) numbers `number`; returns its number here. */
  addFrom(other: IdIndex, number: number): number {
    const odd = other.oddIds.get(number);
    return odd !== undefined ? this.add(odd) : this.addKey(other.keys, number * this.width);
  }

  /** Adds every id of `list` (of the same shape). */
  addAll(list: IdList): void {
    list.forEachKey(
      (bytes, at) => this.addKey(bytes, at),
      (id) => this.add(id),
    );
  }

  /** The number of `id`, or -1 when the set does not hold it. */
  indexOf(id: string): number {
    const text = encoder.encode(id);
    return this.indexOfText(text, 0, text.length);
  }

  indexOfText(text: Uint8Array, start: number, end: number): number {
    if (!packInto(this.shape, text, start, end, this.scratch, 0)) {
      return this.oddNumbers.get(decoder.decode(text.subarray(start, end))) ?? -1;
    }
    return this.slots[this.find(this.scratch, 0)]! - 1;
  }

  has(id: string): boolean {
    return this.indexOf(id) >= 0;
  }

  /** Whether the id numbered `number` lacks the shape (kept as text). */
  isOdd(number: number): boolean {
    return this.oddIds.has(number);
  }

  /** The id numbered `number`. */
  idOf(number: number): string {
    return this.oddIds.get(number) ?? unpack(this.shape, this.keys, number * this.width);
  }

  /** A set holding the ids of `list`. */
  static of(list: IdList): IdIndex {
    const index = new IdIndex(list.shape, list.size);
    index.addAll(list);
    return index;
  }

  /** Adds the id numbered `number` to `list` (of the same shape) without unpacking it. */
  copyTo(number: number, list: IdList): void {
    const odd = this.oddIds.get(number);
    if (odd !== undefined) list.push(odd);
    else list.pushPacked(this.keys, number * this.width);
  }

  /** The ids in number order, as a list. */
  toList(): IdList {
    const list = new IdList(this.shape, this.count);
    for (let number = 0; number < this.count; number++) this.copyTo(number, list);
    return list;
  }

  private take(): number {
    if ((this.count + 1) * this.width > this.keys.length) {
      const bigger = new Uint8Array(this.keys.length * 2);
      bigger.set(this.keys);
      this.keys = bigger;
    }
    return this.count++;
  }

  private find(key: Uint8Array, at: number): number {
    const mask = this.slots.length - 1;
    const width = this.width;
    const keys = this.keys;
    let slot = ((key[at]! << 24) | (key[at + 1]! << 16) | (key[at + 2]! << 8) | key[at + 3]!) & mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry === 0) return slot;
      const base = (entry - 1) * width;
      let same = true;
      for (let i = 0; i < width; i++) {
        if (keys[base + i] !== key[at + i]) {
          same = false;
          break;
        }
      }
      if (same) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let number = 0; number < this.count; number++) {
      if (!this.oddIds.has(number)) this.slots[this.find(this.keys, number * this.width)] = number + 1;
    }
  }
}

function slotCount(capacity: number): number {
  let slots = 1024;
  while (slots < capacity * 2) slots *= 2;
  return slots;
}
