/**
 * How many repos a pass works on at once, and the connections that takes. A worker holds
 * three: the one its batch's locks are on, and a run's own and the one it deletes on (a hub
 * pass runs each repo on one), or, while it plans its batch, the mark's two. The pass itself
 * holds one more.
 */
import type { Database } from '../../db/connect.js';

/** Workers on a server unless told otherwise: two keep a two-core server busy. */
export const DEFAULT_WORKERS = 2;
/** The connections each run of a pass deletes on, beside its own. */
export const RUN_CONNECTIONS = 1;
const PER_WORKER = 2 + RUN_CONNECTIONS;

/** The pool a pass of `workers` needs. */
export function hubPoolSize(workers: number): number {
  return 1 + workers * PER_WORKER;
}

/** The workers a pass gets on `db`, and a notice when that is fewer than asked. */
export function workersFor(
  db: Pick<Database, 'kind' | 'poolMax'>,
  wanted = DEFAULT_WORKERS,
): { workers: number; notice?: string } {
  if (db.kind === 'embedded') {
    return wanted > 1
      ? { workers: 1, notice: `the embedded hub has one connection: 1 worker, not ${wanted}` }
      : { workers: 1 };
  }
  const fit = Math.max(1, Math.floor((db.poolMax - 1) / PER_WORKER));
  if (wanted <= fit) return { workers: wanted };
  return { workers: fit, notice: `a pool of ${db.poolMax} connections holds ${fit} workers, not ${wanted}` };
}
