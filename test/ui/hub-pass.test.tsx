/** The hub view: the repos list's totals, GC of every repo (or the filtered ones) after one typed confirmation, and the pass live. */
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureService, type FixtureOptions } from './fixture-service.js';
import { cleanup, KEYS, openConsole, read, typeAndSubmit } from './harness.js';

const CTRL_C = '\u0003';
const LABEL = 'fixture demo hub';

afterEach(() => cleanup());

/** A repo's row in the pass's list (not the progress line that names the repos in flight). */
const rowOf = (frame: string, name: string) =>
  frame.split('\n').find((line) => line.slice(2).startsWith(`${name} `)) ?? '';

/** The console on the repos list once the estimates are in, wide enough that the lines the tests read are not cut. */
async function openRepos(options: FixtureOptions = {}, console: Parameters<typeof openConsole>[1] = {}) {
  const service = fixtureService(options);
  const app = openConsole(service, { rows: 30, columns: 160, ...console });
  await app.waitFor('4.1 MiB');
  return { service, app };
}

/** Starts a pass of every repo: A, and the hub's label typed. */
async function startPass(options: FixtureOptions = {}) {
  const { service, app } = await openRepos(options);
  app.press('A');
  await app.waitFor(`Type ${LABEL} to start`);
  await typeAndSubmit(app, LABEL);
  return { service, app };
}

describe('hub totals on the repos list', () => {
  it('sums the estimates of every repo, and says how many are estimated as they arrive', async () => {
    const service = fixtureService({ holdEstimates: true });
    const app = openConsole(service, { rows: 30, columns: 160 });
    await app.waitFor('hub: 4 repos, 0 estimated, 4 to go · 0 orphaned commits · to delete: 0 commits, 0 objects, 0 B');
    service.releaseEstimates();
    await app.waitFor((frame) =>
      read(frame).includes(
        'hub: 4 repos, all estimated · 44 orphaned commits · to delete: 41 commits, 64 objects, 4.6 MiB · 1 repo with phases 3-4 refused (counted: what phases 1, 2 and 5 delete)',
      ),
    );
  });

  it('with a filter, sums the repos the filter shows and says so', async () => {
    const { app } = await openRepos();
    app.press('/blue');
    await app.waitFor((frame) =>
      read(frame).includes(
        'filtered: 2 repos, all estimated · 40 orphaned commits · to delete: 37 commits, 58 objects, 4.1 MiB · 1 repo with phases 3-4 refused (counted: what phases 1, 2 and 5 delete)',
      ),
    );
    app.press(KEYS.esc);
    await app.waitFor('hub: 4 repos, all estimated');
  });
});

describe('GC of every repo', () => {
  it('asks once, stating the totals and the workers, for the label typed: a wrong one collects nothing, the right one starts', async () => {
    const { service, app } = await openRepos();
    expect(app.frame()).toContain('A gc all');
    app.press('A');
    const asking = await app.waitFor(`Type ${LABEL} to start (Enter on nothing or Esc collects nothing):`);
    expect(asking).toContain('Repos › GC all');
    expect(asking).toContain(
      `Collect every repo (4 repos) of ${LABEL}, 2 workers: each repo as \`musehub-gc run <repo> --yes\` does`,
    );
    expect(read(asking)).toContain(
      'By the estimates, to delete: 41 commits, 64 objects, 4.6 MiB; 1 repo with phases 3-4 refused (counted: what phases 1, 2 and 5 delete).',
    );
    await app.waitFor('enter confirm (empty cancels)  esc cancel');
    // A again, or y, is not the label.
    await typeAndSubmit(app, 'Ay');
    await app.waitFor(`"Ay" is not ${LABEL}: nothing was collected.`);
    expect(service.passes).toEqual([]);
    app.press(KEYS.backspace.repeat(2));
    await app.waitFor((frame) => !frame.includes('nothing was collected'));
    await typeAndSubmit(app, LABEL);
    await app.waitFor(/DONE {2}4 repos: 3 done, 1 claimed \(1 with refused phases\); deleted: [\d,]+ commits/);
    expect(service.passes).toEqual([{ repoIds: undefined }]);
  });

  it('Esc, or Enter on nothing, declines: back on the repos list, nothing collected', async () => {
    const { service, app } = await openRepos();
    app.press('A');
    await app.waitFor(`Type ${LABEL} to start`);
    app.press(KEYS.esc);
    await app.waitFor('Nothing was collected: the pass was declined.');
    expect(app.frame()).toContain(' Repos\n');
    app.press('A');
    await app.waitFor(`Type ${LABEL} to start`);
    app.press(KEYS.enter);
    await app.waitFor('Nothing was collected: the pass was declined.');
    expect(service.passes).toEqual([]);
  });

  it('shows each repo as the pass goes: one done, one skipped and why, one running with its phase; then the summary, and Enter opens a history', async () => {
    const { service, app } = await startPass({ holdPassAt: 'r1' });
    const live = await app.waitFor((frame) => rowOf(frame, 'keystrio/blue-in-green').includes('done'));
    expect(rowOf(live, 'lowend/blue-in-green')).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] running: 1 commits 36\/73$/);
    expect(rowOf(live, 'bigband/caravan')).toContain('↷ skipped: its GC lock is held by musehub-gc (backend pid 4242');
    expect(rowOf(live, 'tenor/giant-steps')).toContain('✔ done: nothing to delete');
    expect(live).toContain('3/4 repos · 0 rows deleted · 0 B freed · ');
    expect(live).toContain(' · in flight: lowend/blue-in-green');
    expect(live).toContain('x stop after the repos in flight');
    expect(live).toContain('x stop after the repos in flight');
    // Esc does not leave a pass under way.
    app.press(KEYS.esc);
    await app.waitFor('A pass is running: x stops it after the repos in flight.');
    service.releasePass();
    // The pass reports commits, objects and bytes in the words its confirmation promised them.
    const done = await app.waitFor(
      /DONE {2}4 repos: 3 done, 1 claimed \(1 with refused phases\); deleted: 35 commits, 57 objects, 4\.1 MiB \(228 rows in all\)/,
    );
    expect(rowOf(done, 'lowend/blue-in-green')).toMatch(
      /✔ done: deleted 38 commit refs, 35 commits, 35 snapshots, 61 object refs, 57 objects, 2 expired entries; 4\.1 MiB freed in/,
    );
    expect(rowOf(done, 'keystrio/blue-in-green')).toContain('! done: nothing to delete in');
    expect(rowOf(done, 'keystrio/blue-in-green')).toContain('; refused: refs, objects');
    expect(done).toContain('enter history');
    app.press(KEYS.enter);
    await app.waitFor('Repos › GC all › lowend/blue-in-green › History');
  });

  it('collects only the repos the filter shows, the live view listing those', async () => {
    const { service, app } = await openRepos();
    app.press(`/blue${KEYS.enter}`);
    await app.waitFor('filtered: 2 repos');
    app.press('A');
    const asking = await app.waitFor(`Type ${LABEL} to start`);
    expect(asking).toContain('Repos › GC /blue');
    expect(asking).toContain(`Collect the 2 repos the filter /blue shows of ${LABEL}, 2 workers:`);
    expect(read(asking)).toContain(
      'By the estimates, to delete: 37 commits, 58 objects, 4.1 MiB; 1 repo with phases 3-4 refused (counted: what phases 1, 2 and 5 delete).',
    );
    await typeAndSubmit(app, LABEL);
    const done = await app.waitFor(/DONE {2}2 repos: 2 done/);
    expect(service.passes).toEqual([{ repoIds: ['r1', 'r4'] }]);
    expect(done).not.toContain('bigband/caravan');
    expect(done).not.toContain('tenor/giant-steps');
  });

  it('on the embedded hub says once that it has one worker; x stops the pass after the repos in flight', async () => {
    const { service, app } = await openRepos({ holdPassAt: 'r3', embedded: true });
    app.press('A');
    expect(await app.waitFor(`Type ${LABEL} to start`)).toContain(`of ${LABEL}, 1 worker:`);
    await typeAndSubmit(app, LABEL);
    const live = await app.waitFor((frame) => rowOf(frame, 'tenor/giant-steps').includes('running: 1 commits'));
    expect(live.split('the embedded hub has one connection: 1 worker, not 2')).toHaveLength(2);
    expect(rowOf(live, 'keystrio/blue-in-green')).toContain('· queued');
    app.press('x');
    await app.waitFor('Stopping after the repos in flight: no new repo starts.');
    expect(app.frame()).toContain('The pass stops after the repos in flight. Ctrl+C quits now, abandoning their runs.');
    service.releasePass();
    const stopped = await app.waitFor(/STOPPED {2}4 repos: 2 done, 1 claimed, 1 not-started/);
    expect(rowOf(stopped, 'tenor/giant-steps')).toContain('✔ done');
    expect(rowOf(stopped, 'keystrio/blue-in-green')).toContain('- not started');
    // Once stopped, the status line says so, not that it is stopping.
    await app.waitFor('The pass stopped. Ctrl+C quits.');
  });

  it('Ctrl+C during the pass lets the repos in flight finish and starts no other; then Ctrl+C quits', async () => {
    const { service, app } = await startPass({ holdPassAt: 'r3', embedded: true });
    await app.waitFor((frame) => rowOf(frame, 'tenor/giant-steps').includes('running: 1 commits'));
    app.press(CTRL_C);
    await app.waitFor('The pass stops after the repos in flight. Ctrl+C again quits now, abandoning their runs.');
    service.releasePass();
    const stopped = await app.waitFor('STOPPED  4 repos');
    expect(rowOf(stopped, 'keystrio/blue-in-green')).toContain('not started');
    await app.waitFor('The pass stopped. Ctrl+C quits.');
    app.press(CTRL_C);
    await app.waitForExit();
  });

  it('a second Ctrl+C during the pass quits at once', async () => {
    const { service, app } = await startPass({ holdPassAt: 'r3' });
    await app.waitFor((frame) => rowOf(frame, 'tenor/giant-steps').includes('running: 1 commits'));
    app.press(CTRL_C);
    await app.waitFor('Ctrl+C again quits now');
    app.press(CTRL_C);
    await app.waitForExit();
    service.releasePass();
  });

  it('says so when the pass cannot run, the blob store refusing', async () => {
    const { app } = await startPass({
      storeRefuses: 'nothing was deleted: the blob store s3://musehub is not usable: AccessDenied',
    });
    const failed = await app.waitFor(
      'The pass failed: nothing was deleted: the blob store s3://musehub is not usable: AccessDenied',
    );
    expect(failed).toContain('The pass did not run: Esc goes back to the repos.');
    app.press(KEYS.esc);
    await app.waitFor(' Repos\n');
  });

  it('is not there in read-only mode: no key, no help for it, and A does nothing', async () => {
    const { service, app } = await openRepos({}, { readOnly: true });
    expect(app.frame()).not.toContain('gc all');
    app.press('A');
    app.press('?');
    const help = await app.waitFor('Keys of the repos screen (read-only: the keys that delete are removed)');
    expect(help).not.toContain('GC every repo');
    expect(help).toContain('check every repo');
    expect(service.passes).toEqual([]);
  });
});
