/**
 * The built console, driven in tmux as an operator drives it, against a fresh embedded
 * demo hub: open the force-pushed repo, read its graph and preview, run every phase
 * through its prompts, quit; then the database and the blob files say what went.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded } from '../../src/db/connect.js';
import { DEMO } from '../../src/demo/demo-hub.js';
import { locateBlob } from '../../src/storage/keys.js';
import { BLUE_IN_GREEN } from '../support/demo-counts.js';
import { startTmux, type Tmux } from './tmux.js';

const ROOT = resolve(import.meta.dirname, '../..');
const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
// The fork keystrio/blue-in-green shares the slug: a blob phase wants owner/slug typed.
const SLUG = DEMO.forcePushed;

/** What the hub holds of the force-pushed repo and its fork. */
interface HubState {
  /** Every commit of the hub (commits are global). */
  commits: Set<string>;
  /** Commit ids the fork holds. */
  forkCommits: Set<string>;
  /** object_id -> repos holding it, and its blob's file. */
  objects: Map<string, { repos: string[]; file: string }>;
}

let work = '';
let hubDir = '';
let cli = '';

/** Builds the CLI as `npm run build` does, into a directory of its own that resolves the repo's node_modules. */
function buildCli(into: string): string {
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', join(into, 'dist')], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const entry = join(into, 'dist', 'cli.js');
  if (build.status !== 0 && !existsSync(entry)) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`);
  copyFileSync(join(ROOT, 'src/db/musehub-schema.sql'), join(into, 'dist/db/musehub-schema.sql'));
  copyFileSync(join(ROOT, 'package.json'), join(into, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(into, 'node_modules'), 'dir');
  return entry;
}

/** The environment of the console: the embedded hub under a cache of the test's own. */
function hubEnv(cache = join(work, 'cache')): string[] {
  return ['env', '-u', 'DATABASE_URL', '-u', 'MUSEHUB_STORAGE', `XDG_CACHE_HOME=${cache}`];
}

/** Runs the built CLI on the embedded hub under `cache`; fails with its stderr. */
function runCli(cache: string, args: string[]): string {
  const env = hubEnv(cache);
  const ran = spawnSync(env[0]!, [...env.slice(1), process.execPath, cli, ...args], { encoding: 'utf8' });
  if (ran.status !== 0) throw new Error(`musehub-gc ${args.join(' ')} exited ${ran.status}: ${ran.stderr}`);
  return ran.stdout;
}

/** How many rows each of MuseHub's tables a run deletes from holds. */
async function rowCounts(dir: string): Promise<Record<string, number>> {
  const db = await openEmbedded({ dir });
  try {
    const counts: Record<string, number> = {};
    for (const table of [
      'musehub_commits',
      'musehub_commit_refs',
      'musehub_snapshots',
      'musehub_object_refs',
      'musehub_objects',
    ]) {
      counts[table] = Number((await db.knex().raw(`select count(*) as n from ${table}`)).rows[0].n);
    }
    return counts;
  } finally {
    await db.close();
  }
}

/** Opens the force-pushed repo from the repos list by filtering to it. */
/** Filters the repos list to the force-pushed repo and opens its graph; resolves to the screen. */
async function openForcePushed(tmux: Tmux): Promise<string> {
  tmux.keys('/');
  tmux.type(DEMO.forcePushed);
  await tmux.waitFor(/1 of 12 repos[\s\S]*filter: \/lowend\/blue-in-green/);
  tmux.keys('Enter');
  tmux.keys('Enter');
  return tmux.waitFor(
    /Repos › lowend\/blue-in-green › Graph[\s\S]*\d+ reachable · \d+ orphaned: \d+ to delete, \d+ kept/,
  );
}

async function readHub(): Promise<HubState> {
  const db = await openEmbedded({ dir: hubDir });
  try {
    const repoId = async (name: string) => {
      const [owner, slug] = name.split('/') as [string, string];
      return (await db.knex().raw('select repo_id from musehub_repos where owner = ? and slug = ?', [owner, slug]))
        .rows[0].repo_id as string;
    };
    const [own, fork] = [await repoId(DEMO.forcePushed), await repoId(DEMO.fork)];
    const refs = async (repo: string) =>
      new Set<string>(
        (await db.knex().raw('select commit_id from musehub_commit_refs where repo_id = ?', [repo])).rows.map(
          (row: { commit_id: string }) => row.commit_id,
        ),
      );
    const rows = (
      await db.knex().raw(`
      select o.object_id, o.storage_uri, coalesce(array_agg(r.repo_id) filter (where r.repo_id is not null), '{}') as repos
      from musehub_objects o left join musehub_object_refs r on r.object_id = o.object_id
      group by o.object_id, o.storage_uri`)
    ).rows as Array<{ object_id: string; storage_uri: string | null; repos: string[] }>;
    const objects = new Map(
      rows.map((row) => [
        row.object_id,
        {
          repos: row.repos.map((repo) => (repo === own ? 'own' : repo === fork ? 'fork' : repo)),
          file: join(
            hubDir,
            'blobs',
            locateBlob({ id: row.object_id, storageUri: row.storage_uri ?? undefined }, 'file').key,
          ),
        },
      ]),
    );
    const commits = new Set<string>(
      (await db.knex().raw('select commit_id from musehub_commits')).rows.map(
        (row: { commit_id: string }) => row.commit_id,
      ),
    );
    return { commits, forkCommits: await refs(fork), objects };
  } finally {
    await db.close();
  }
}

/** Types the repo's slug into the prompt's field and, once it shows there, presses Enter. */
async function typeSlug(tmux: Tmux): Promise<void> {
  tmux.type(SLUG);
  await tmux.waitFor(new RegExp(`› ${SLUG}`));
  tmux.keys('Enter');
}

/** `✗ c4f186f` on a graph line: the glyph and the short id of each commit drawn. */
function graphCommits(pane: string): Array<{ glyph: string; id: string; line: string }> {
  return pane.split('\n').flatMap((line) => {
    const match = /^[▸ ] ([│─╮╯╭╰├┤┼┴┬ ]*)([●✗○])[─╮╯│┼ ]* ([0-9a-f]{12}) /.exec(line);
    return match ? [{ glyph: match[2]!, id: match[3]!, line }] : [];
  });
}

describe.skipIf(!HAS_TMUX)('the console end to end (tmux, built CLI, embedded demo hub)', () => {
  let tmux: Tmux | undefined;
  let before: HubState;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'musehub-gc-e2e-'));
    hubDir = join(work, 'cache', 'musehub-gc');
    mkdirSync(join(work, 'cache'));
    cli = buildCli(join(work, 'build'));
    // The demo hub, seeded fresh by the built CLI; its state before the console touches it.
    const seeded = spawnSync(hubEnv()[0]!, [...hubEnv().slice(1), process.execPath, cli, 'demo'], { encoding: 'utf8' });
    if (seeded.status !== 0) throw new Error(`musehub-gc demo failed: ${seeded.stderr}`);
    before = await readHub();
  }, 300_000);

  afterAll(() => {
    tmux?.kill();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('opens blue-in-green, shows its graph and preview, runs every phase through its prompts, and GC did what it showed', async () => {
    tmux = startTmux([...hubEnv(), process.execPath, cli], { columns: 120, rows: 40 });
    await tmux.waitFor(/12 of 12 repos/, 120_000);

    const graph = await openForcePushed(tmux);

    // The graph: the abandoned chain in its own lane beside the live one, each state its own glyph.
    // reachable + orphaned = every commit; orphaned = to delete + kept (src/present/words.ts).
    const [, reachable, all, orphaned, kept] = /(\d+) reachable · (\d+) orphaned: (\d+) to delete, (\d+) kept/.exec(
      graph,
    )!;
    expect([reachable, all, orphaned, kept].map(Number)).toEqual([
      BLUE_IN_GREEN.reachableCommits,
      BLUE_IN_GREEN.orphanedCommits,
      BLUE_IN_GREEN.commits,
      BLUE_IN_GREEN.keptForFork,
    ]);
    const drawn = graphCommits(graph);
    expect(drawn[0]!.line).toMatch(/● +[0-9a-f]{12} \(main\)/);
    const lost = drawn.filter((commit) => commit.glyph === '✗');
    const held = drawn.filter((commit) => commit.glyph === '○');
    expect(lost.length).toBe(Number(orphaned));
    expect(held.length).toBe(Number(kept));
    // Lane 0 is the live history, running past the abandoned chain's lanes.
    for (const commit of [...lost, ...held]) expect(commit.line).toMatch(/^[▸ ] │ (│ )?[✗○]/);
    expect(lost[0]!.line).toContain('← tip of an abandoned chain');
    for (const commit of held) expect(commit.line).toContain(`(kept: held by ${DEMO.fork})`);
    expect(graph).toMatch(/│ ● +[0-9a-f]{12} \[v1\.0-rc\] .*← an abandoned chain left/);

    // A commit's details, and back.
    tmux.keys('Enter');
    await tmux.waitFor(/› commit [0-9a-f]{12}[\s\S]*files \(\d+\)/);
    tmux.keys('Escape');
    await tmux.waitFor(/› Graph\n/);

    // The preview: what each phase deletes, and what the fork keeps.
    tmux.keys('2');
    const preview = await tmux.waitFor(/› Preview[\s\S]*5 pack cache/);
    expect(preview).toContain('a dry run: nothing is deleted');
    expect(preview.replace(/\s+/g, ' ')).toContain(
      `commits: ${reachable} reachable · ${all} orphaned: ${orphaned} to delete, ${kept} kept`,
    );
    expect(preview).toMatch(
      new RegExp(
        `1 commits +│ \\d+ commit refs, ${orphaned} commits +│ ${kept} commits still referenced by ${DEMO.fork}`,
      ),
    );
    const objects = Number(/4 objects +│ (\d+) objects, /.exec(preview)![1]);
    expect(objects).toBe(BLUE_IN_GREEN.objects);

    // The run: y for the row phases, the slug for the blob phases.
    tmux.keys('R');
    await tmux.waitFor(/Delete \d+ commit refs, \d+ commits of lowend\/blue-in-green\? \[y\/N\]/);
    tmux.keys('y');
    await tmux.waitFor(/Delete \d+ snapshots of lowend\/blue-in-green\? \[y\/N\]/);
    tmux.keys('y');
    await tmux.waitFor(/Delete \d+ object refs of lowend\/blue-in-green\? \[y\/N\]/);
    tmux.keys('y');
    await tmux.waitFor(new RegExp(`Type ${SLUG} to delete ${objects} objects, `));
    await typeSlug(tmux);
    await tmux.waitFor(new RegExp(`Type ${SLUG} to delete \\d+ expired entries`));
    await typeSlug(tmux);
    const summary = await tmux.waitFor(/ DONE {2}freed .* · 0 errors/);
    expect(summary.replace(/\s+/g, ' ')).toMatch(
      new RegExp(
        `deleted: ${orphaned} commits, ${objects} objects, [\\d.]+ KiB; with them \\d+ commit refs, \\d+ snapshots`,
      ),
    );
    expect(summary).toContain('Everything went as the preview said.');

    // Back on the preview, planned again: nothing left to delete.
    tmux.keys('Enter');
    await tmux.waitFor(/› Preview[\s\S]*1 commits +│ 0 commit refs, 0 commits/);
    tmux.keys('3');
    await tmux.waitFor(/› History[\s\S]*▸ \d{4}-\d\d-\d\d \d\d:\d\d \(now\) +│ \S+ +│ real +│ 1h +│ DONE /);

    tmux.keys('Escape');
    await tmux.waitFor(/ Repos\n/);
    tmux.keys('q');
    await tmux.waitFor(/musehub-gc exited 0/);

    // The hub afterwards: the orphaned chain gone, the fork's commits all there, the repo's own objects gone with their files.
    const after = await readHub();
    const goneIds = (ids: Iterable<string>, short: string[]) =>
      [...ids].filter((id) => short.includes(id.slice(0, 12)));
    const lostIds = goneIds(
      before.commits,
      lost.map((commit) => commit.id),
    );
    expect(lostIds).toHaveLength(lost.length);
    for (const id of lostIds) expect(after.commits.has(id)).toBe(false);
    for (const id of goneIds(
      before.commits,
      held.map((commit) => commit.id),
    ))
      expect(after.commits.has(id)).toBe(true);
    for (const id of before.forkCommits) expect(after.commits.has(id)).toBe(true);

    const deleted = [...before.objects.keys()].filter((id) => !after.objects.has(id));
    expect(deleted).toHaveLength(objects);
    for (const id of deleted) {
      expect(before.objects.get(id)!.repos).toEqual(['own']);
      expect(existsSync(before.objects.get(id)!.file)).toBe(false);
    }
    for (const [id, object] of after.objects) {
      if (before.objects.get(id)!.repos.includes('fork')) expect(object.repos).toContain('fork');
      expect(existsSync(object.file)).toBe(true);
    }
  }, 300_000);

  it('Ctrl+C with the y that starts phase 1: the phase runs, then the run stops, no prompt after it, and the hub lost only what phase 1 deleted', async () => {
    tmux?.kill();
    // A hub of its own: the test before collected the shared one.
    const cache = join(work, 'cache-stop');
    runCli(cache, ['demo']);
    const dir = join(cache, 'musehub-gc');
    const before = await rowCounts(dir);
    tmux = startTmux([...hubEnv(cache), process.execPath, cli], { columns: 120, rows: 40 });
    await tmux.waitFor(/12 of 12 repos/, 120_000);
    await openForcePushed(tmux);
    tmux.keys('2');
    await tmux.waitFor(/› Preview[\s\S]*5 pack cache/);
    tmux.keys('R');
    const asked = await tmux.waitFor(/Delete (\d+) commit refs, (\d+) commits of lowend\/blue-in-green\? \[y\/N\]/);
    const [, refs, commits] = /Delete (\d+) commit refs, (\d+) commits/.exec(asked)!.map(Number);
    // One write: the terminal hands both keys over in one read, as a hand that types them together does.
    tmux.keys('y', 'C-c');
    const stopped = await tmux.waitFor(/ STOPPED {2}freed/);
    expect(stopped).toMatch(new RegExp(`✔ 1 commits +${refs} commit refs, ${commits} commits deleted`));
    for (const phase of ['2 snapshots', '3 object refs', '4 objects', '5 pack cache'])
      expect(stopped).toMatch(new RegExp(`- ${phase} +not-run`));
    expect(stopped).not.toMatch(/\[y\/N\]|Type blue-in-green/);
    expect(await tmux.waitFor(/The run stopped\. Ctrl\+C quits\./)).not.toContain('stops after this phase');
    // A y now answers nothing.
    tmux.keys('y');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(tmux.capture()).not.toMatch(/\[y\/N\]/);
    tmux.keys('C-c');
    await tmux.waitFor(/musehub-gc exited \d+/);

    // The hub: phase 1's commits and refs gone, nothing of the phases after it.
    const after = await rowCounts(dir);
    expect(after).toEqual({
      ...before,
      musehub_commits: before.musehub_commits! - commits!,
      musehub_commit_refs: before.musehub_commit_refs! - refs!,
    });
    const [run] = JSON.parse(runCli(cache, ['history', DEMO.forcePushed, '--json'])) as Array<{
      outcome: string;
      phases: Array<{ phase: string; status: string }>;
    }>;
    expect(run!.outcome).toBe('stopped');
    expect(run!.phases.map((phase) => `${phase.phase} ${phase.status}`)).toEqual([
      'commits done',
      'snapshots not-run',
      'refs not-run',
      'objects not-run',
      'cache not-run',
    ]);
  }, 300_000);

  it("collects every repo from the repos list once the hub's label is typed, each repo's row saying how it went, and the hub has a run of each", async () => {
    tmux?.kill();
    tmux = startTmux([...hubEnv(), process.execPath, cli], { columns: 120, rows: 40 });
    await tmux.waitFor(/hub: 12 repos, all estimated · /, 120_000);
    tmux.keys('A');
    const label = `embedded ${hubDir}`;
    await tmux.waitFor(new RegExp(`Collect every repo \\(12 repos\\) of ${label}, 1 worker:`));
    // A burst of backspaces in one write takes back as many characters.
    tmux.type(`${label}xyz`);
    await tmux.waitFor(/musehub-gcxyz/);
    tmux.keys('BSpace', 'BSpace', 'BSpace');
    await tmux.waitFor(new RegExp(`› ${label} *│`));
    tmux.keys('Enter');
    const done = await tmux.waitFor(
      / DONE {2}12 repos: 12 done \(1 with refused phases\); deleted: \d+ commits, \d+ objects/,
      60_000,
    );
    expect(done).toContain('! the embedded hub has one connection: 1 worker, not 2');
    // The corrupt repo's object phases are refused (its line is cut at the width before it says which).
    expect(done).toMatch(new RegExp(`${DEMO.corrupt} +! done: `));
    expect(done).toMatch(new RegExp(`${DEMO.forcePushed} +✔ done: nothing to delete`));
    tmux.keys('Escape');
    await tmux.waitFor(/hub: 12 repos, all estimated · \d+ orphaned commits · to delete: 0 commits, 0 objects, 0 B/);
    tmux.keys('q');
    await tmux.waitFor(/musehub-gc exited 0/);

    const db = await openEmbedded({ dir: hubDir });
    try {
      const [pass] = (await db.knex().raw('select pass_id, outcome, repos, started_at from musehub_gc_passes')).rows;
      expect(pass).toMatchObject({ outcome: 'done', repos: 12 });
      const runs = (
        await db
          .knex()
          .raw('select repo_id from musehub_gc_runs where not dry_run and started_at >= ?', [pass.started_at])
      ).rows;
      expect(new Set(runs.map((run: { repo_id: string }) => run.repo_id)).size).toBe(12);
      expect(runs).toHaveLength(12);
    } finally {
      await db.close();
    }
  }, 300_000);
});
