/**
 * Where a plan's or a run's time goes, by step (reading, walk, each phase's deletes,
 * journal, blobs): carried in the Plan and the RunResult so the next gap is visible.
 */
export class Profile {
  private readonly seconds = new Map<string, number>();

  /** Runs `work`, adding the time it takes to `label`. */
  async time<T>(label: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.seconds.set(label, (this.seconds.get(label) ?? 0) + (performance.now() - started) / 1000);
    }
  }

  /** Seconds by step, in the order the steps first ran, to the millisecond. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.seconds].map(([label, seconds]) => [label, Math.round(seconds * 1000) / 1000]));
  }
}
