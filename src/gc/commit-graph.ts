/**
 * A repo's commit DAG in memory, compact enough for a million commits: ids are
 * interned to integers and parent edges kept in flat integer arrays, so the
 * reachability walk is a loop over typed arrays rather than a recursive query
 * that needs one round trip per generation.
 */
export class CommitGraph {
  private readonly index = new Map<string, number>();
  private readonly ids: string[] = [];
  /** 0 not looked up yet, 1 row loaded, 2 no row anywhere (shallow history ends there). */
  private rowState = new Uint8Array(1024);
  /** 0 unreached; otherwise the level of the walk that first reached the node. */
  private marks = new Uint8Array(1024);
  /** Nodes reached whose rows are not loaded yet: their parents are unknown. */
  private readonly waiting = new Set<number>();
  private edgeFrom: Int32Array = new Int32Array(1024);
  private edgeTo: Int32Array = new Int32Array(1024);
  private edges = 0;
  private csr?: { start: Int32Array; parents: Int32Array };

  get size(): number {
    return this.ids.length;
  }

  idOf(node: number): string {
    return this.ids[node]!;
  }

  /** The level of the walk that reached this commit, 0 when none did. */
  levelOf(id: string): number {
    const node = this.index.get(id);
    return node === undefined ? 0 : this.marks[node]!;
  }

  hasRow(node: number): boolean {
    return this.rowState[node] === 1;
  }

  /** Adds a commit row and its parent edges. */
  add(commitId: string, parentIds: readonly string[]): void {
    const node = this.intern(commitId);
    this.rowState[node] = 1;
    for (const parent of parentIds) {
      if (this.edges === this.edgeFrom.length) {
        this.edgeFrom = grow(this.edgeFrom);
        this.edgeTo = grow(this.edgeTo);
      }
      this.edgeFrom[this.edges] = node;
      this.edgeTo[this.edges] = this.intern(parent);
      this.edges++;
    }
    this.csr = undefined;
  }

  /** Records that no row exists for these ids, so walks end there. */
  markAbsent(ids: Iterable<string>): void {
    for (const id of ids) this.rowState[this.intern(id)] = 2;
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
      const node = this.intern(root);
      if (this.marks[node] === 0) {
        this.marks[node] = level;
        stack.push(node);
      }
    }
    for (const node of this.waiting) {
      if (this.rowState[node] !== 0) {
        this.waiting.delete(node);
        stack.push(node);
      }
    }
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (this.rowState[node] === 0) {
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
    return [...this.waiting].map((node) => this.ids[node]!);
  }

  /** Every loaded commit with the level that reached it (0: unreached). */
  *levels(): Generator<[commitId: string, level: number]> {
    for (let node = 0; node < this.ids.length; node++) {
      if (this.rowState[node] === 1) yield [this.ids[node]!, this.marks[node]!];
    }
  }

  private intern(id: string): number {
    let node = this.index.get(id);
    if (node === undefined) {
      node = this.ids.length;
      this.ids.push(id);
      this.index.set(id, node);
      if (node === this.rowState.length) {
        this.rowState = grow(this.rowState);
        this.marks = grow(this.marks);
      }
    }
    return node;
  }

  private adjacency(): { start: Int32Array; parents: Int32Array } {
    if (this.csr) return this.csr;
    const start = new Int32Array(this.ids.length + 1);
    for (let e = 0; e < this.edges; e++) start[this.edgeFrom[e]! + 1]!++;
    for (let n = 0; n < this.ids.length; n++) start[n + 1]! += start[n]!;
    const fill = start.slice(0, this.ids.length);
    const parents = new Int32Array(this.edges);
    for (let e = 0; e < this.edges; e++) parents[fill[this.edgeFrom[e]!]!++] = this.edgeTo[e]!;
    this.csr = { start, parents };
    return this.csr;
  }
}

function grow<T extends Uint8Array | Int32Array>(array: T): T {
  const bigger = new (array.constructor as new (n: number) => T)(array.length * 2);
  bigger.set(array);
  return bigger;
}
