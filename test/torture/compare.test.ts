/**
 * The comparison itself must catch a GC that did too little or too much; a
 * check that cannot fail proves nothing.
 */
import { describe, expect, it } from 'vitest';
import { testTargets } from '../support/databases.js';
import { useBench } from './bench-hooks.js';
import { diffStates, readState, stateOf } from './compare.js';
import { loadModel } from './harness.js';
import { oracle } from './oracle.js';
import { simulate } from './simulate.js';

const hub = simulate({
  repos: 1,
  old: [
    {
      kind: 'push',
      repo: 0,
      branch: 0,
      commits: 3,
      files: [1, 2],
      merge: null,
      shareSnapshot: null,
      corrupt: null,
      missingSnapshot: false,
      shallow: false,
      inflight: false,
    },
    { kind: 'force-push', repo: 0, branch: 0, back: 2 },
    { kind: 'cache', repo: 0, reuse: null, expired: true, blob: true },
  ],
  recent: [],
});

describe.each((await testTargets()).slice(0, 1))('the comparison on $name', (target) => {
  const benchOf = useBench(target);

  it('reads back exactly what was loaded', async () => {
    const bench = benchOf();
    await loadModel(bench, hub);
    expect(diffStates(stateOf(hub), await readState(bench.db, bench.store))).toEqual([]);
  });

  it('names every row and blob a GC that did nothing left over', async () => {
    const bench = benchOf();
    await loadModel(bench, hub);
    const expected = oracle(hub, hub.repos[0]!.id).after;
    const lines = diffStates(stateOf(expected), await readState(bench.db, bench.store));
    // 2 commit refs, 2 commits, 2 snapshots, 4 object refs, 4 objects, 1 cache row, 5 blobs.
    expect(lines).toHaveLength(20);
    expect(lines.every((line) => line.includes('left over'))).toBe(true);
  });

  it('names a blob that went missing and a row deleted too many', async () => {
    const bench = benchOf();
    await loadModel(bench, hub);
    const [kept] = hub.objects;
    await bench.store.deleteMany([{ id: kept!.id, storageUri: kept!.located ? bench.uriFor(kept!.key) : null }]);
    await bench.db.knex().raw('delete from musehub_commit_refs where commit_id = ?', [hub.commits[0]!.id]);
    expect(diffStates(stateOf(hub), await readState(bench.db, bench.store))).toEqual([
      `musehub_commit_refs: missing (GC deleted what the oracle keeps): ${hub.repos[0]!.id} ${hub.commits[0]!.id}`,
      `blobs: missing (GC deleted what the oracle keeps): ${kept!.key}`,
    ]);
  });
});
