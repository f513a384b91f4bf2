/**
 * One live manifest of a million entries (93 MB): planning the repo that holds it, beside the
 * time PostgreSQL alone takes to hand that manifest over (COPY to nowhere, as `\copy … to
 * /dev/null` does). Issue 15 found `run` took 9 min 48 s here, re-copying the partial row on
 * every chunk; planning must stay within 20x that floor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack } from 'msgpackr';
import { to as copyTo } from 'pg-copy-streams';
import type { Database } from '../src/db/connect.js';
import { HubBuilder } from '../src/demo/hub-builder.js';
import { loadHubChunks, type HubRows } from '../src/demo/load.js';
import type { Plan } from '../src/gc/types.js';
import { cli, perSecond } from './measure.js';
import { benchTemplate, databaseUrl, freshCopy, onDatabase } from './templates.js';

const REPO = 'bench/big-manifest';
/** Objects a chunk of the build loads. */
const CHUNK = 100_000;

/** The repo: `entries` objects with rows and refs, all named by the one manifest of its one commit. */
async function build(db: Database, entries: number): Promise<void> {
  const builder = new HubBuilder(new Date(), false);
  const at = builder.ago(120);
  const repoId = builder.repo('bench', 'big-manifest', 'One big manifest', at, at);
  const manifest = new Map<string, string>();
  function* chunks(): Generator<HubRows> {
    for (let i = 0; i < entries; i++) {
      const path = `tracks/${['bass', 'piano', 'drums', 'horns'][i % 4]}/take-${i}.wav`;
      manifest.set(path, builder.object(repoId, `take-${i}`, at));
      if (builder.pending >= CHUNK) yield builder.drain();
    }
    // msgpackr writes a map32 for a Map of more than 65,535 entries (an object that big it refuses).
    const snapshotId = builder.rawSnapshot('big-manifest', pack(manifest), at);
    const commit = builder.commit(repoId, 'big-manifest', {
      parents: [],
      message: 'Everything',
      author: 'bench',
      at,
      snapshotId,
    });
    builder.branch(repoId, 'main', commit);
    yield builder.drain();
  }
  await loadHubChunks(db, chunks());
}

/** Milliseconds for PostgreSQL to hand over the repo's manifests, drained unread: as text (psql's \copy) and binary. */
async function manifestFloorMs(url: string, format: 'text' | 'binary'): Promise<number> {
  return onDatabase(url, async (client) => {
    const started = performance.now();
    const stream = client.query(
      copyTo(
        `copy (select manifest_blob from musehub_snapshots) to stdout${
          format === 'binary' ? ' with (format binary)' : ''
        }`,
      ),
    );
    for await (const chunk of stream) void chunk;
    return performance.now() - started;
  });
}

/** Plans (and runs) the one-manifest repo of `entries` entries; reports each line as it is measured. */
export async function benchBigManifest(
  adminUrl: string,
  report: (line: string) => void,
  entries: number,
): Promise<void> {
  const name = await benchTemplate(adminUrl, `musehub_gc_bench_manifest_${entries}`, (db) => build(db, entries));
  const store = mkdtempSync(join(tmpdir(), 'mhgc-bench-manifest-'));
  try {
    const url = databaseUrl(adminUrl, await freshCopy(adminUrl, name));
    const env = { DATABASE_URL: url, MUSEHUB_STORAGE: `file://${store}` };
    const [text, binary] = [await manifestFloorMs(url, 'text'), await manifestFloorMs(url, 'binary')];
    const size = await onDatabase(url, async (client) =>
      Number((await client.query('select sum(length(manifest_blob)) as bytes from musehub_snapshots')).rows[0].bytes),
    );
    report(`one live manifest of ${entries.toLocaleString('en')} entries (${(size / 1e6).toFixed(0)} MB):`);
    report(
      `  floor: PostgreSQL hands it over in ${(text / 1000).toFixed(2)} s as text (psql's \\copy), ` +
        `${(binary / 1000).toFixed(2)} s binary`,
    );
    const ratios = (s: number) =>
      `${((s * 1000) / text).toFixed(1)}x the text floor, ${((s * 1000) / binary).toFixed(1)}x the binary one`;
    const plan = cli(['plan', REPO, '--json', '--grace', '0'], env);
    const planned = JSON.parse(plan.stdout) as Plan;
    report(
      `  plan: derived in ${planned.seconds.toFixed(2)} s (${ratios(planned.seconds)}; aim: within 20x), ` +
        `${perSecond(entries, planned.seconds)} entries; the process ${plan.seconds.toFixed(1)} s, ` +
        `peak RSS ${plan.rssMiB} MiB`,
    );
    report(
      `    where the time goes (two lanes, overlapping): ${Object.entries(planned.profile)
        .sort((a, b) => b[1] - a[1])
        .map(([step, s]) => `${step} ${s.toFixed(2)} s`)
        .join(', ')}`,
    );
    const run = cli(['run', REPO, '--yes', '--json', '--grace', '0'], env);
    report(`  run --yes (own process, nothing to delete): ${run.seconds.toFixed(1)} s, peak RSS ${run.rssMiB} MiB`);
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}
