/**
 * A GC run in a process of its own, for the parent to kill: it collects one repo
 * with every phase (its plan derived under the lock, as `musehub-gc run` does) and writes each engine event as one JSON line on stdout, so
 * the parent can pick the moment of the SIGKILL.
 *
 *   node --import tsx test/torture/child-gc.ts <database-url> <storage-url> <repo-id>
 */
import { openServer } from '../../src/db/connect.js';
import { executeGc } from '../../src/gc/execute.js';
import { findRepo } from '../../src/gc/repo.js';
import { openBlobStore } from '../../src/storage/open.js';
import { GRACE_SECONDS } from './hub-model.js';

const [databaseUrl, storageUrl, repoId] = process.argv.slice(2);
if (!databaseUrl || !storageUrl || !repoId)
  throw new Error('usage: child-gc.ts <database-url> <storage-url> <repo-id>');
const ctx = { db: await openServer(databaseUrl), store: await openBlobStore(storageUrl) };
const target = { repo: await findRepo(ctx.db, repoId), graceSeconds: GRACE_SECONDS };
for await (const event of executeGc(ctx, target, { decide: async () => 'go' })) {
  process.stdout.write(`${JSON.stringify({ type: event.type })}\n`);
}
await ctx.store.close();
await ctx.db.close();
