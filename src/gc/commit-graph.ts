/**
 * A repo's commit DAG in memory, compact enough for a million commits: ids are
 * packed and numbered (IdIndex), parent edges kept in flat integer arrays, so the
 * reachability walk is a loop over typed arrays rather than a recursive query that
 * needs one round trip per generation.
 */
import { readParents } from './ids.js';
import { IdIndex } from './packed-ids.js';

/** What is known of a node's row: not looked up yet, loaded, or missing from the table. */
const UNKNOWN = 0;
const LOADED = 1;
const ABSENT = 2;

const QUOTE = 34;
const COMMA = 44;
const SPACE = 32;
const OPEN = 91;
const CLOSE = 93;

export class CommitGraph {
  readonly ids: IdIndex;
  /** The snapshot ids commits name; `snapshotOf` numbers into it. */
  readonly snapshots: IdIndex;
  private rowState: Uint8Array;
  /** 0 unreached; otherwise the level of the walk that first reached the node. */
  private marks: Uint8Array;
  /** Bit 1: the repo holds a ref; bit 2: that ref predates the cutoff; bit 4: parent_ids unreadable. */
  private flags: Uint8Array;
  private snapshotOf: Int32Array;
  /** Commit timestamps, seconds since the epoch: the preview lists the newest first. */
  private times: Float64Array;
  /** Why a node's parent_ids cannot be read, by node. */
  readonly malformed = new Map<number, string>();
  private readonly waiting = new Set<number>();
  private edgeFrom: Int32Array;
  private edgeTo: Int32Array;
  private edges = 0;
  private csr?: { start: Int32Array; parents: Int32Array };

  /** `capacity`: the nodes it has room for before it grows (small when a batch holds many repos' graphs). */
  constructor(capacity = 4096) {
    this.ids = new IdIndex('hex', capacity);
    this.snapshots = new IdIndex('hex', Math.max(16, capacity / 4));
    this.rowState = new Uint8Array(capacity);
    this.marks = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.snapshotOf = new Int32Array(capacity).fill(-1);
    this.times = new Float64Array(capacity);
    this.edgeFrom = new Int32Array(capacity);
    this.edgeTo = new Int32Array(capacity);
  }

  get size(): number {
    return this.ids.size;
  }

  /**
   * Adds a commit row from COPY text: the id in `buf[idStart, idEnd)`, parent_ids JSON in
   * `[parentsStart, parentsEnd)`. The common shapes (`["…", "…"]`) are read straight from the
   * bytes; anything else goes through JSON and the strict check.
   */
  addText(
    buf: Uint8Array,
    idStart: number,
    idEnd: number,
    parentsStart: number,
    parentsEnd: number,
    parentsText: () => string | null,
  ): number {
    const node = this.node(this.ids.addText(buf, idStart, idEnd));
    this.rowState[node] = LOADED;
    if (!this.fastParents(node, buf, parentsStart, parentsEnd)) this.setParents(node, parentsText());
    return node;
  }

  /** Adds a commit row whose parent_ids the driver parsed (or JSON text). */
  add(commitId: string, parentIds: unknown): number {
    const node = this.node(this.ids.add(commitId));
    this.rowState[node] = LOADED;
    this.setParents(node, parentIds);
    return node;
  }

  /** Records what the repo's ref says of the node: it holds one, and whether it is older than the cutoff. */
  markOwn(node: number, refIsOld: boolean): void {
    this.flags[node]! |= refIsOld ? 3 : 1;
  }

  isOwn(node: number): boolean {
    return (this.flags[node]! & 1) !== 0;
  }

  hasOldRef(node: number): boolean {
    return (this.flags[node]! & 2) !== 0;
  }

  setSnapshot(node: number, snapshot: number): void {
    this.snapshotOf[node] = snapshot;
  }

  /** The number of the node's snapshot in `snapshots`, -1 when it has none. */
  snapshotNumber(node: number): number {
    return this.snapshotOf[node]!;
  }

  setTime(node: number, seconds: number): void {
    this.times[node] = seconds;
  }

  time(node: number): number {
    return this.times[node]!;
  }

  /** Records that no row exists for these ids, so walks end there. */
  markAbsent(ids: Iterable<string>): void {
    for (const id of ids) this.rowState[this.node(this.ids.add(id))] = ABSENT;
  }

  /** The ids the walks found missing from the table (shallow history ends there). */
  absentIds(): string[] {
    const absent: string[] = [];
    for (let node = 0; node < this.size; node++) if (this.rowState[node] === ABSENT) absent.push(this.ids.idOf(node));
    return absent;
  }

  hasRow(node: number): boolean {
    return this.rowState[node] === LOADED;
  }

  /** The level of the walk that reached the node, 0 when none did. */
  level(node: number): number {
    return this.marks[node]!;
  }

  /** The level of the walk that reached this commit, 0 when none did or it is unknown. */
  levelOf(id: string): number {
    const node = this.ids.indexOf(id);
    return node < 0 ? 0 : this.marks[node]!;
  }

  /**
   * Marks with `level` everything reachable from `roots` that no earlier walk
   * reached, resuming from reached nodes whose rows were added since. Returns the
   * ids reached whose rows were never looked up: the caller loads or marks them
   * absent, then walks again.
   */
  walk(roots: Iterable<string>, level: number): string[] {
    const { start, parents } = this.adjacency();
    const stack: number[] = [];
    for (const root of roots) {
      const node = this.node(this.ids.add(root));
      if (this.marks[node] === 0) {
        this.marks[node] = level;
        stack.push(node);
      }
    }
    for (const node of this.waiting) {
      if (this.rowState[node] !== UNKNOWN) {
        this.waiting.delete(node);
        stack.push(node);
      }
    }
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (this.rowState[node] === UNKNOWN) {
        this.waiting.add(node);
        continue;
      }
      if (node + 1 >= start.length) continue;
      const reachedAt = this.marks[node]!;
      for (let e = start[node]!; e < start[node + 1]!; e++) {
        const parent = parents[e]!;
        if (this.marks[parent] === 0) {
          this.marks[parent] = reachedAt;
          stack.push(parent);
        }
      }
    }
    return [...this.waiting].map((node) => this.ids.idOf(node));
  }

  /** The node's parents, as node numbers (none until its row is loaded). */
  parentsOf(node: number): Int32Array {
    const { start, parents } = this.adjacency();
    return node + 1 < start.length ? parents.subarray(start[node]!, start[node + 1]!) : new Int32Array(0);
  }

  /** Reads `["<64 hex>", …]` from bytes into edges; false for any other shape. */
  private fastParents(node: number, buf: Uint8Array, start: number, end: number): boolean {
    let p = start;
    if (buf[p++] !== OPEN) return false;
    while (buf[p] === SPACE) p++;
    if (buf[p] === CLOSE) return p + 1 === end;
    const first = this.edges;
    for (;;) {
      if (buf[p] !== QUOTE || buf[p + 65] !== QUOTE) break;
      const parent = this.ids.addText(buf, p + 1, p + 65);
      // A parent that packs as an odd id is no commit id: the slow path says why.
      if (this.ids.isOdd(parent)) break;
      this.edge(node, this.node(parent));
      p += 66;
      while (buf[p] === SPACE) p++;
      if (buf[p] === CLOSE) {
        if (p + 1 === end) return true;
        break;
      }
      if (buf[p++] !== COMMA) break;
      while (buf[p] === SPACE) p++;
    }
    this.edges = first;
    return false;
  }

  private setParents(node: number, value: unknown): void {
    const reading = readParents(value ?? null);
    if (!reading.ok) {
      this.flags[node]! |= 4;
      this.malformed.set(node, reading.problem);
      return;
    }
    for (const parent of reading.parents) this.edge(node, this.node(this.ids.add(parent)));
  }

  private edge(from: number, to: number): void {
    if (this.edges === this.edgeFrom.length) {
      this.edgeFrom = grow(this.edgeFrom);
      this.edgeTo = grow(this.edgeTo);
    }
    this.edgeFrom[this.edges] = from;
    this.edgeTo[this.edges] = to;
    this.edges++;
    this.csr = undefined;
  }

  /** Makes room in the per-node arrays for node `node`. */
  private node(node: number): number {
    if (node >= this.rowState.length) {
      this.rowState = grow(this.rowState);
      this.marks = grow(this.marks);
      this.flags = grow(this.flags);
      this.times = grow(this.times);
      const snapshots = new Int32Array(this.snapshotOf.length * 2).fill(-1);
      snapshots.set(this.snapshotOf);
      this.snapshotOf = snapshots;
    }
    return node;
  }

  private adjacency(): { start: Int32Array; parents: Int32Array } {
    if (this.csr) return this.csr;
    const count = this.size;
    const start = new Int32Array(count + 1);
    for (let e = 0; e < this.edges; e++) start[this.edgeFrom[e]! + 1]!++;
    for (let n = 0; n < count; n++) start[n + 1]! += start[n]!;
    const fill = start.slice(0, count);
    const parents = new Int32Array(this.edges);
    for (let e = 0; e < this.edges; e++) parents[fill[this.edgeFrom[e]!]!++] = this.edgeTo[e]!;
    this.csr = { start, parents };
    return this.csr;
  }
}

function grow<T extends Uint8Array | Int32Array | Float64Array>(array: T): T {
  const bigger = new (array.constructor as new (n: number) => T)(array.length * 2);
  bigger.set(array);
  return bigger;
}
