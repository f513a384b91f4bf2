/** Vitest hooks giving a describe block a bench on a fresh database of one target. */
import { afterAll, beforeAll } from 'vitest';
import type { TestDatabase, TestTarget } from '../support/databases.js';
import { fileBench, type Bench } from './harness.js';

/** The bench of the enclosing describe block, created before its tests and dropped after them. */
export function useBench(target: TestTarget): () => Bench {
  let database: TestDatabase | undefined;
  let bench: Bench | undefined;
  beforeAll(async () => {
    database = await target.create();
    bench = await fileBench(database.db);
  });
  afterAll(async () => {
    await bench?.close();
    await database?.drop();
  });
  return () => bench!;
}
