import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { fixtureService } from './fixture-service.js';
import { KEYS, lineWith, openConsole } from './harness.js';

afterEach(() => cleanup());

async function startRun(service = fixtureService()) {
  const app = openConsole(service, { rows: 40 });
  await app.waitFor('4.1 MiB');
  await app.press(KEYS.enter);
  await app.waitFor('Bass line, take 7');
  await app.press('R');
  await app.waitFor('[y/N]');
  return app;
}

describe('run screen', () => {
  it('asks before each phase with No as the default, and the key that started the run does not confirm', async () => {
    const service = fixtureService();
    const app = await startRun(service);
    const asking = app.frame();
    expect(asking).toContain('Repos › lowend/blue-in-green › Graph › Run');
    expect(asking).toContain('Delete 38 commit refs, 35 commits of lowend/blue-in-green? [y/N]');
    expect(asking).toContain('✗ Bass line, take 6');
    expect(asking).toContain('○ kept: 3 held by fork keystrio/blue-in-green');
    await app.waitFor('y yes, delete  n no, skip  x stop run');
    // R again is not a yes; Enter takes the default, No: the phase is skipped.
    await app.press('R');
    expect(service.decisions).toEqual([]);
    await app.press(KEYS.enter);
    await app.waitFor('Delete 35 snapshots');
    expect(service.decisions).toEqual([{ phase: 'commits', decision: 'skip' }]);
    expect(lineWith(app.frame(), '1 commits')).toMatch(/↷ 1 commits\s+skipped/);
  });

  it('runs confirmed phases with their results kept above, asks for the slug before deleting blobs, and sums up', async () => {
    const service = fixtureService();
    const app = await startRun(service);
    await app.press('y');
    await app.waitFor('Delete 35 snapshots');
    expect(lineWith(app.frame(), '1 commits')).toMatch(/✔ 1 commits\s+38 commit refs, 35 commits deleted\s+0\.1 s/);
    await app.press('y');
    await app.waitFor('Delete 61 object refs');
    await app.press('y');
    const slug = await app.waitFor('Type blue-in-green to delete 58 objects, 4.0 MiB from storage');
    expect(lineWith(slug, '4 objects')).toContain("waits for your confirmation (type the repo's slug)");
    // y does not confirm a blob phase; a wrong slug is refused with a reason.
    await app.press(`y${KEYS.enter}`);
    await app.waitFor('"y" is not blue-in-green');
    expect(service.decisions).toHaveLength(3);
    await app.press(`${KEYS.backspace}blue-in-green${KEYS.enter}`);
    await app.waitFor('Type blue-in-green to delete 2 expired entries');
    expect(service.decisions[3]).toEqual({ phase: 'objects', decision: 'go' });
    // Enter on nothing skips the phase.
    await app.press(KEYS.enter);
    const summary = await app.waitFor('Differed from the preview');
    expect(summary).toContain('done: freed 4.0 MiB · 0 errors');
    expect(summary).toContain('deleted 35 commits (38 refs) · 35 snapshots · 61 object refs · 57 objects · 0 cache entries');
    expect(summary).toContain('4 objects: planned 58 objects, 4.0 MiB, deleted 57 objects, 4.0 MiB: 1 were live again');
    expect(lineWith(summary, '5 pack cache')).toContain('skipped');
    await app.press(KEYS.enter);
    expect(app.frame()).toContain('Repos › lowend/blue-in-green › Graph');
  });

  it('stops the run from a prompt: the phases after it do not run', async () => {
    const service = fixtureService();
    const app = await startRun(service);
    await app.press('y');
    await app.waitFor('Delete 35 snapshots');
    await app.press('x');
    const summary = await app.waitFor('stopped: freed');
    expect(service.decisions.map((entry) => entry.decision)).toEqual(['go', 'stop']);
    expect(lineWith(summary, '3 object refs')).toContain('not-run');
  });

  it('is read-only on request: no run key, the title says so, R does nothing', async () => {
    const service = fixtureService();
    const app = openConsole(service, { readOnly: true });
    await app.waitFor('4.1 MiB');
    expect(app.frame()).toContain('READ-ONLY');
    await app.press(KEYS.enter);
    await app.waitFor('Bass line, take 7');
    expect(app.frame()).not.toContain('run gc');
    await app.press('R');
    expect(app.frame()).not.toContain('› Run');
    expect(service.runs).toBe(0);
    await app.press('?');
    const help = await app.waitFor('Keys of the graph screen (read-only: the keys that delete are removed)');
    expect(help).not.toContain('start a GC run');
  });
});
