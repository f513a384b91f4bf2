/** What a pass or a hub plan has done so far, for its progress events. */
import type { RepoIdentity } from '../types.js';
import type { HubProgress } from './types.js';

export class PassTally {
  private readonly started = performance.now();
  private readonly inFlight = new Map<string, RepoIdentity>();
  private finished = 0;
  private rows = 0;
  private bytes = 0;

  constructor(private readonly total: number) {}

  start(repo: RepoIdentity): void {
    this.inFlight.set(repo.repoId, repo);
  }

  finish(repoId: string, rows: number, bytes: number): void {
    this.inFlight.delete(repoId);
    this.finished++;
    this.rows += rows;
    this.bytes += bytes;
  }

  progress(): HubProgress {
    return {
      total: this.total,
      finished: this.finished,
      rows: this.rows,
      bytes: this.bytes,
      elapsedSeconds: (performance.now() - this.started) / 1000,
      inFlight: [...this.inFlight.values()],
    };
  }
}
