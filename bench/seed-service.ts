/**
 * The original Python GC service (../shared/seed/musehub_gc.py), run side by side with
 * musehub-gc on a copy of the same hub. It imports MuseHub's models, storage and graph
 * walk; this writes small stand-ins for them (SQLAlchemy models of schema.sql, a file
 * store, a breadth-first walk) in a temporary directory, with a copy of the service that
 * Debian's Python 3.11 can read (`type X = …` is 3.12 syntax). It needs Debian's
 * python3-sqlalchemy, python3-asyncpg and python3-msgpack; without them it says so.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PYTHON = '/usr/bin/python3';
/** Beside the checkout's parent, as on the shared machine; SEED_SERVICE names it elsewhere (from a worktree). */
const SEED = process.env.SEED_SERVICE ?? new URL('../../shared/seed/musehub_gc.py', import.meta.url);

const MODELS = `
from sqlalchemy import JSON, BigInteger, Column, DateTime, LargeBinary, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class MusehubBranch(Base):
    __tablename__ = "musehub_branches"
    branch_id = Column(String, primary_key=True)
    repo_id = Column(String)
    name = Column(String)
    head_commit_id = Column(String)

class MusehubCommit(Base):
    __tablename__ = "musehub_commits"
    commit_id = Column(String, primary_key=True)
    parent_ids = Column(JSON)
    message = Column(Text)
    snapshot_id = Column(String)

class MusehubCommitRef(Base):
    __tablename__ = "musehub_commit_refs"
    repo_id = Column(String, primary_key=True)
    commit_id = Column(String, primary_key=True)

class MusehubSnapshot(Base):
    __tablename__ = "musehub_snapshots"
    snapshot_id = Column(String, primary_key=True)
    manifest_blob = Column(LargeBinary)

class MusehubObject(Base):
    __tablename__ = "musehub_objects"
    object_id = Column(String, primary_key=True)
    size_bytes = Column(BigInteger)
    storage_uri = Column(String)

class MusehubObjectRef(Base):
    __tablename__ = "musehub_object_refs"
    repo_id = Column(String, primary_key=True)
    object_id = Column(String, primary_key=True)

class MusehubFetchMPackCache(Base):
    __tablename__ = "musehub_fetch_mpack_cache"
    cache_id = Column(String, primary_key=True)
    repo_id = Column(String)
    mpack_id = Column(String)
    expires_at = Column(DateTime(timezone=True))
`;

const STORAGE = `
import os

class _FileBackend:
    def __init__(self, root):
        self.root = root

    async def delete(self, object_id):
        try:
            os.unlink(os.path.join(self.root, "objects", object_id.replace(":", "_")))
        except FileNotFoundError:
            pass

def get_backend():
    return _FileBackend(os.environ["SEED_STORE"])
`;

const GRAPH = `
from collections import deque

def walk_dag(heads, parents):
    seen = set()
    queue = deque(heads)
    while queue:
        commit = queue.popleft()
        if commit in seen:
            continue
        seen.add(commit)
        yield commit
        queue.extend(parents(commit))
`;

const RUNNER = `
import asyncio, json, os, sys, time
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from musehub_gc import gc_fetch_mpack_cache, run_gc

async def main():
    engine = create_async_engine(os.environ["SEED_DATABASE_URL"])
    started = time.perf_counter()
    async with AsyncSession(engine) as session:
        result = await run_gc(session, sys.argv[1])
        cache = await gc_fetch_mpack_cache(session, sys.argv[1])
        await session.commit()
    seconds = time.perf_counter() - started
    await engine.dispose()
    print(json.dumps({"seconds": seconds, "commits_deleted": result.commits_deleted,
                      "objects_deleted": result.objects_deleted, "cache": cache}))

asyncio.run(main())
`;

/** Why the service cannot run here, or undefined when it can. */
export function seedServiceMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import sqlalchemy, asyncpg, msgpack'], { encoding: 'utf8' });
  return probe.status === 0
    ? undefined
    : "the original service needs Debian's python3-sqlalchemy, python3-asyncpg and python3-msgpack (`npm run bench:setup` installs them)";
}

/** Writes the service and its stand-ins under `dir`. */
export function writeSeedService(dir: string): void {
  for (const pkg of ['musehub', 'musehub/db', 'muse', 'muse/core']) {
    mkdirSync(join(dir, pkg), { recursive: true });
    writeFileSync(join(dir, pkg, '__init__.py'), '');
  }
  writeFileSync(join(dir, 'musehub/db/musehub_repo_models.py'), MODELS);
  writeFileSync(join(dir, 'musehub/storage.py'), STORAGE);
  writeFileSync(join(dir, 'muse/core/graph.py'), GRAPH);
  writeFileSync(join(dir, 'run_seed.py'), RUNNER);
  writeFileSync(join(dir, 'musehub_gc.py'), readFileSync(SEED, 'utf8').replace(/^type (\w+) = /m, '$1 = '));
}

/** How the service's run went: its own timing, or the last line of its error. */
export type SeedRun = { seconds: number; wall: number } | { failed: string };

/** Runs the service on `repoId` of the database at `url` (postgres://…). */
export function runSeedService(dir: string, url: string, repoId: string, store: string): SeedRun {
  const started = performance.now();
  const run = spawnSync(PYTHON, [join(dir, 'run_seed.py'), repoId], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: {
      ...process.env,
      PYTHONPATH: dir,
      SEED_STORE: store,
      SEED_DATABASE_URL: url.replace(/^postgres:/, 'postgresql+asyncpg:'),
    },
  });
  if (run.status !== 0) {
    // The exception's own line (`asyncpg…InterfaceError: …`), not SQLAlchemy's link that follows it.
    const raised = run.stderr
      .split('\n')
      .filter((line) => /^[\w.]+(Error|Exception): /.test(line))
      .at(-1);
    return { failed: raised ?? `exit ${run.status}` };
  }
  return {
    seconds: JSON.parse(run.stdout.trim().split('\n').at(-1)!).seconds,
    wall: (performance.now() - started) / 1000,
  };
}
