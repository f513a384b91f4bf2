import { afterEach, describe, expect, it } from 'vitest';
import { fixtureService } from './fixture-service.js';
import { cleanup, KEYS, lineWith, openConsole, read, typeAndSubmit } from './harness.js';

const CTRL_C = '\u0003';

afterEach(() => cleanup());

async function startRun(service = fixtureService()) {
  const app = openConsole(service, { rows: 40 });
  await app.waitFor('4.1 MiB');
  app.press(KEYS.enter);
  await app.waitFor('Bass line, take 7');
  app.press('R');
  await app.waitFor('[y/N]');
  return app;
}

describe('run screen', () => {
  it('asks before each phase with No as the default, and the key that started the run does not confirm', async () => {
    const service = fixtureService();
    const app = await startRun(service);
    const asking = app.frame();
    expect(asking).toContain('Repos › lowend/blue-in-green › Graph › Run');
    // From the graph no plan is on screen: the run derives its own, once, under the repo's lock.
    expect(service.targets).toEqual([{ repo: expect.objectContaining({ slug: 'blue-in-green' }), graceSeconds: 3600 }]);
    expect(service.calls.plan).toBe(0);
    expect(asking).toContain('Delete 38 commit refs, 35 commits of lowend/blue-in-green? [y/N]');
    expect(asking).toMatch(/✗ e13c5d000000 +Bass line, take 6/);
    expect(asking).toContain('○ kept: 3 held by fork keystrio/blue-in-green');
    await app.waitFor('y yes, delete  n no, skip  x stop run');
    // R again is not a yes; Enter takes the default, No: the phase is skipped.
    app.press('R');
    app.press(KEYS.enter);
    await app.waitFor('Delete 35 snapshots');
    expect(service.decisions).toEqual([{ phase: 'commits', decision: 'skip' }]);
    expect(lineWith(app.frame(), '1 commits')).toMatch(/↷ 1 commits\s+skipped/);
  });

  it('runs confirmed phases with their results kept above, asks for the slug before deleting blobs, and sums up', async () => {
    const service = fixtureService();
    const app = await startRun(service);
    app.press('y');
    await app.waitFor('Delete 35 snapshots');
    expect(lineWith(app.frame(), '1 commits')).toMatch(/✔ 1 commits\s+38 commit refs, 35 commits deleted\s+0\.1 s/);
    app.press('y');
    await app.waitFor('Delete 61 object refs');
    app.press('y');
    const slug = await app.waitFor('Type lowend/blue-in-green to delete 58 objects, 4.0 MiB from storage');
    expect(lineWith(slug, '4 objects')).toContain("waits for your confirmation (type the repo's name)");
    // y does not confirm a blob phase; a wrong slug is refused with a reason.
    await typeAndSubmit(app, 'y');
    await app.waitFor('"y" is not lowend/blue-in-green');
    // The complaint stays once React has run the frame's effects: only an edit clears it.
    expect(app.frame()).toContain('"y" is not lowend/blue-in-green');
    expect(service.decisions).toHaveLength(3);
    // Erasing it clears the complaint.
    app.press(KEYS.backspace);
    await app.waitFor((frame) => !frame.includes('is not lowend/blue-in-green'));
    await typeAndSubmit(app, 'lowend/blue-in-green');
    await app.waitFor('Type lowend/blue-in-green to delete 2 expired entries');
    expect(service.decisions[3]).toEqual({ phase: 'objects', decision: 'go' });
    // Enter on nothing skips the phase.
    app.press(KEYS.enter);
    const summary = await app.waitFor('Differed from the preview');
    expect(summary).toContain(' DONE  freed 4.0 MiB · 0 errors');
    // Commits, objects and bytes in the words of the prompts, then the rest.
    expect(read(summary)).toContain(
      'deleted: 35 commits, 57 objects, 4.0 MiB; with them 38 commit refs, 35 snapshots, 61 object refs, 0 expired entries',
    );
    expect(summary).toContain('not done: cache skipped');
    expect(summary).toContain('4 objects: planned 58 objects, 4.0 MiB, deleted 57 objects, 4.0 MiB: 1 were live again');
    expect(lineWith(summary, '5 pack cache')).toContain('skipped');
    app.press(KEYS.enter);
    await app.waitFor(/Repos › lowend\/blue-in-green › Graph\n/);
  });

  it('stops the run from a prompt: the phases after it do not run', async () => {
    const service = fixtureService();
    const app = await startRun(service);
    app.press('y');
    await app.waitFor('Delete 35 snapshots');
    app.press('x');
    const summary = await app.waitFor('STOPPED  freed');
    expect(service.decisions.map((entry) => entry.decision)).toEqual(['go', 'stop']);
    expect(lineWith(summary, '3 object refs')).toContain('not-run');
  });

  it('asks for the slug alone where no other repo shares it, and for owner/slug where a fork does', async () => {
    const app = openConsole(fixtureService({ emptyPhases: ['commits', 'snapshots', 'refs'] }), { rows: 40 });
    await app.waitFor('4.1 MiB');
    app.press(`j${KEYS.enter}`);
    await app.waitFor('Repos › bigband/caravan › Graph');
    app.press('R');
    await app.waitFor('Type caravan to delete 58 objects');
    // blue-in-green's fork keystrio/blue-in-green shares its slug: the slug alone could be either.
    app.press(KEYS.esc);
    await app.waitFor('STOPPED');
  });

  it('puts a run that deleted nothing in the history as soon as it ends', async () => {
    const app = openConsole(fixtureService(), { rows: 40 });
    await app.waitFor('4.1 MiB');
    app.press(`j${KEYS.enter}`);
    await app.waitFor('Repos › bigband/caravan › Graph');
    app.press('3');
    await app.waitFor('No GC has run on this repo yet.');
    app.press('R');
    await app.waitFor('[y/N]');
    app.press('x');
    await app.waitFor('STOPPED  freed');
    app.press(KEYS.enter);
    const history = await app.waitFor('Repos › bigband/caravan › History');
    expect(history).not.toContain('No GC has run');
    expect(lineWith(history, '▸')).toMatch(/\(now\) .*STOPPED .*0 commits, 0 objects/);
  });

  it('is read-only on request: no run key, the title says so, R does nothing', async () => {
    const service = fixtureService();
    const app = openConsole(service, { readOnly: true });
    await app.waitFor('4.1 MiB');
    expect(app.frame()).toContain('READ-ONLY');
    app.press(KEYS.enter);
    await app.waitFor('Bass line, take 7');
    expect(app.frame()).not.toContain('run gc');
    // R does nothing: the help that ? opens after it comes from the graph, not from a run.
    app.press('R');
    app.press('?');
    const help = await app.waitFor('Keys of the graph screen (read-only: the keys that delete are removed)');
    expect(help).toContain('Repos › lowend/blue-in-green › Graph › Help');
    expect(help).not.toContain('start a GC run');
    expect(service.runs).toBe(0);
  });

  it('Ctrl+C during a phase lets the phase finish and stops the run there; a second Ctrl+C quits', async () => {
    const service = fixtureService({ holdPhase: 'commits' });
    const app = await startRun(service);
    app.press('y');
    await app.waitFor(/▸ 1 commits/);
    app.press(CTRL_C);
    const asked = await app.waitFor('The run stops after this phase. Ctrl+C again quits now');
    expect(lineWith(asked, '1 commits')).toMatch(/▸ 1 commits\s+█+░*\s+\d+\/73/);
    service.releasePhase();
    const stopped = await app.waitFor('STOPPED  freed');
    expect(lineWith(stopped, '1 commits')).toMatch(/✔ 1 commits\s+38 commit refs, 35 commits deleted/);
    expect(lineWith(stopped, '2 snapshots')).toContain('not-run');
    expect(service.decisions.map((entry) => entry.decision)).toEqual(['go', 'stop']);
    expect(await app.waitFor('The run stopped. Ctrl+C quits.')).not.toContain('Ctrl+C again quits now');
    // Nothing runs now: Ctrl+C quits.
    app.press(CTRL_C);
    await app.waitForExit();
    expect(app.frame()).not.toContain('Keys of the');
  });

  it('y and Ctrl+C in one burst at a prompt: the phase runs, then the run stops, no prompt after it, and says so', async () => {
    const service = fixtureService({ holdPhase: 'commits' });
    const app = await startRun(service);
    app.press(`y${CTRL_C}`);
    const running = await app.waitFor('The run stops after this phase. Ctrl+C again quits now, abandoning the phase.');
    expect(lineWith(running, '1 commits')).toMatch(/▸ 1 commits/);
    expect(running).toContain('Stopping after this phase: no phase after it runs.');
    service.releasePhase();
    const stopped = await app.waitFor('The run stopped. Ctrl+C quits.');
    expect(stopped).toContain('STOPPED  freed');
    expect(stopped).not.toContain('[y/N]');
    expect(lineWith(stopped, '2 snapshots')).toContain('not-run');
    // A stopped run did not do all its preview said.
    expect(stopped).toContain('What ran went as the preview said.');
    expect(stopped).not.toContain('Everything went');
    // Keys after the stop answer nothing: no prompt is waiting for them.
    app.press('y');
    await app.waitFor((frame) => frame.includes('The run stopped.'));
    expect(app.frame()).not.toContain('[y/N]');
    expect(service.decisions.map((entry) => entry.decision)).toEqual(['go', 'stop']);
  });

  it('Ctrl+C then y in one burst at a prompt deletes nothing', async () => {
    const service = fixtureService();
    const app = await startRun(service);
    app.press(`${CTRL_C}y`);
    const stopped = await app.waitFor('The run stopped. Ctrl+C quits.');
    expect(stopped).toContain('STOPPED  freed 0 B');
    expect(stopped).not.toContain('[y/N]');
    expect(service.decisions).toEqual([{ phase: 'commits', decision: 'stop' }]);
  });

  it('x during a phase stops the run after it, the status line saying so until it has, then that it has', async () => {
    const service = fixtureService({ holdPhase: 'commits' });
    const app = await startRun(service);
    app.press('y');
    await app.waitFor(/▸ 1 commits/);
    app.press('x');
    const stopping = await app.waitFor('The run stops after this phase. Ctrl+C quits now, abandoning the phase.');
    expect(stopping).toContain('Stopping after this phase');
    // Esc does not leave, and does not offer x again.
    app.press(KEYS.esc);
    await app.waitFor('The run stops after this phase; then Esc goes back.');
    service.releasePhase();
    const stopped = await app.waitFor('The run stopped. Ctrl+C quits.');
    expect(stopped).toContain('STOPPED  freed');
    expect(stopped).not.toContain('[y/N]');
    expect(service.decisions.map((entry) => entry.decision)).toEqual(['go', 'stop']);
    app.press(CTRL_C);
    await app.waitForExit();
  });

  it('x during the last phase: the run ends done, and the status line says that, not that it stopped', async () => {
    const service = fixtureService({ holdPhase: 'cache' });
    const app = await startRun(service);
    app.press('y');
    await app.waitFor('Delete 35 snapshots');
    app.press('y');
    await app.waitFor('Delete 61 object refs');
    app.press('y');
    await app.waitFor('Type lowend/blue-in-green to delete 58 objects');
    await typeAndSubmit(app, 'lowend/blue-in-green');
    await app.waitFor('Type lowend/blue-in-green to delete 2 expired entries');
    await typeAndSubmit(app, 'lowend/blue-in-green');
    await app.waitFor(/▸ 5 pack cache/);
    app.press('x');
    await app.waitFor('The run stops after this phase.');
    service.releasePhase();
    const done = await app.waitFor('The run ended: done. Ctrl+C quits.');
    expect(done).toContain(' DONE  freed');
  });

  it('a second Ctrl+C during a phase quits at once', async () => {
    const service = fixtureService({ holdPhase: 'commits' });
    const app = await startRun(service);
    app.press('y');
    await app.waitFor(/▸ 1 commits/);
    app.press(CTRL_C);
    await app.waitFor('Ctrl+C again quits now');
    app.press(CTRL_C);
    await app.waitForExit();
    expect(service.decisions.map((entry) => entry.decision)).toEqual(['go']);
    service.releasePhase();
  });

  it('Ctrl+C at a prompt stops the run without deleting, and says so', async () => {
    const service = fixtureService();
    const app = await startRun(service);
    app.press(CTRL_C);
    const stopped = await app.waitFor('STOPPED  freed 0 B');
    expect(service.decisions).toEqual([{ phase: 'commits', decision: 'stop' }]);
    expect(stopped).not.toContain('[y/N]');
  });

  it('says on the status line when the blob store refuses, before any prompt', async () => {
    const service = fixtureService({
      storeRefuses: 'nothing was deleted: the blob store s3://musehub is not usable: AccessDenied',
    });
    const app = openConsole(service, { rows: 40 });
    await app.waitFor('4.1 MiB');
    app.press(`${KEYS.enter}`);
    await app.waitFor('Bass line, take 7');
    app.press('R');
    const failed = await app.waitFor('The run failed: nothing was deleted');
    expect(failed).not.toContain('[y/N]');
    expect(lineWith(failed.split('\n').slice(-3).join('\n'), 'The run failed')).toContain('AccessDenied');
    expect(service.decisions).toEqual([]);
  });

  it('does not ask before a phase with nothing to delete, and says it had nothing', async () => {
    const service = fixtureService({ emptyPhases: ['snapshots', 'cache'] });
    const app = await startRun(service);
    app.press('y');
    await app.waitFor('Delete 61 object refs');
    expect(lineWith(app.frame(), '2 snapshots')).toMatch(/✔ 2 snapshots\s+nothing to delete/);
    expect(service.decisions.map((entry) => entry.phase)).toEqual(['commits', 'snapshots']);
  });

  it('after a run that deleted, the repo views and the repos table load again', async () => {
    const service = fixtureService();
    const app = openConsole(service, { rows: 40 });
    await app.waitFor('4.1 MiB');
    app.press(KEYS.enter);
    await app.waitFor('Bass line, take 7');
    app.press('2');
    await app.waitFor('PHASE');
    const before = { ...service.calls };
    app.press('R');
    await app.waitFor('[y/N]');
    app.press('y');
    await app.waitFor('Delete 35 snapshots');
    app.press(KEYS.enter);
    await app.waitFor('Delete 61 object refs');
    app.press(KEYS.enter);
    await app.waitFor('Type lowend/blue-in-green to delete 58 objects');
    app.press(KEYS.enter);
    await app.waitFor('Type lowend/blue-in-green to delete 2 expired');
    app.press(KEYS.enter);
    await app.waitFor('DONE  freed');
    app.press(KEYS.enter);
    await app.waitFor('Repos › lowend/blue-in-green › Preview');
    // The run acted on the plan the preview showed, without computing one of its own.
    expect(service.targets).toHaveLength(1);
    expect(service.targets[0]).toMatchObject({ source: 'preview', plan: { repo: { slug: 'blue-in-green' } } });
    // Then the preview's plan and the graph load again; the repos table too.
    await expect.poll(() => service.calls.plan).toBe(before.plan + 1);
    expect(service.calls.graph).toBe(before.graph + 1);
    // Once by the run, to know whether another repo shares the slug; once as the repos table loads again.
    expect(service.calls.listRepos).toBe(before.listRepos + 2);
  });
});
