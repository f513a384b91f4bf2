import { afterEach, describe, expect, it } from 'vitest';
import { fixtureService } from './fixture-service.js';
import { cleanup, KEYS, openConsole, typeAndSubmit } from './harness.js';

const CTRL_C = '\u0003';

afterEach(() => cleanup());

async function openStorage(service = fixtureService(), options: Parameters<typeof openConsole>[1] = {}) {
  // Wide enough that the lines the tests read are not wrapped.
  const app = openConsole(service, { rows: 30, columns: 140, ...options });
  await app.waitFor('4.1 MiB');
  app.press('b');
  await app.waitFor('Repos › Storage');
  return app;
}

describe('storage view', () => {
  it('shows the strays the last dry run counted, their bytes and its age; d counts them again, deleting nothing', async () => {
    const service = fixtureService();
    const app = await openStorage(service);
    const frame = await app.waitFor('Strays by the last dry run, 2h ago: 22 keys (4.1 MiB)');
    expect(frame).toContain('Strays: keys under objects/ that no row names, older than 1d');
    expect(frame).toContain(
      'listed 1,234 keys (231.4 MiB) under objects/: 1,200 named by rows, 12 younger than 1d, 22 strays (4.1 MiB)',
    );
    expect(frame).toContain('No sweep recorded.');
    expect(frame).toContain('d dry run  D sweep');
    app.press('d');
    const dry = await app.waitFor('DONE  dry run: would delete 22 keys, in 0.3 s');
    expect(dry).toContain('Dry run (deletes nothing):');
    expect(dry).toContain('✔ listed 1,234 keys');
    expect(await app.waitFor('Strays by the last dry run, now: 22 keys (4.1 MiB)')).toContain('No sweep recorded.');
    expect(service.sweeps).toEqual([{ dryRun: true }]);
    expect(service.strays).toBe(22);
  });

  it('sweeps only once the word is typed: a wrong word deletes nothing, Enter on nothing cancels, the right word deletes with progress', async () => {
    const service = fixtureService({ holdSweep: true });
    const app = await openStorage(service);
    await app.waitFor('Strays by the last dry run');
    app.press('D');
    const asking = await app.waitFor(
      'Delete 22 keys (4.1 MiB) under objects/ that no row names, older than 1d, from the blob store of fixture demo hub?',
    );
    expect(asking).toContain('Type sweep to delete them (Enter on nothing deletes nothing, Esc cancels):');
    expect(asking).toContain('✔ listed 1,234 keys (231.4 MiB) under objects/');
    await app.waitFor('enter confirm (empty cancels)  esc cancel');
    // D again, or y, is not the word.
    await typeAndSubmit(app, 'Dy');
    await app.waitFor('"Dy" is not sweep: type it exactly, or clear it and press Enter to delete nothing.');
    expect(service.strays).toBe(22);
    app.press(KEYS.backspace);
    app.press(KEYS.backspace);
    await app.waitFor((frame) => !frame.includes('is not sweep'));
    app.press(KEYS.enter);
    await app.waitFor('DECLINED  sweep declined: deleted 0 keys (0 B)');
    expect(service.strays).toBe(22);

    app.press('D');
    await app.waitFor('Type sweep to delete them');
    await typeAndSubmit(app, 'sweep');
    const deleting = await app.waitFor('▸ 10/22 strays: 10 keys deleted (1.9 MiB)');
    expect(deleting).toContain('x stop after this batch');
    // Esc does not leave a sweep under way.
    app.press(KEYS.esc);
    await app.waitFor('A sweep is in progress: x stops it after this batch.');
    service.releaseSweep();
    const done = await app.waitFor(
      'DONE  sweep done: deleted 22 keys (4.1 MiB) of file:///srv/musehub/blobs, in 0.3 s',
    );
    expect(service.strays).toBe(0);
    expect(await app.waitFor('Last sweep, now: sweep done: deleted 22 keys')).toContain('A sweep ran after it');
    expect(done).toContain('Repos › Storage');
    expect(service.sweeps).toEqual([{ dryRun: false }, { dryRun: false }]);
  });

  it('Esc at the confirmation deletes nothing', async () => {
    const service = fixtureService();
    const app = await openStorage(service);
    app.press('D');
    await app.waitFor('Type sweep to delete them');
    app.press(KEYS.esc);
    await app.waitFor('DECLINED  sweep declined');
    expect(service.strays).toBe(22);
  });

  it('Ctrl+C during a sweep lets its batch finish and stops it there; then Ctrl+C quits', async () => {
    const service = fixtureService({ holdSweep: true });
    const app = await openStorage(service);
    app.press('D');
    await app.waitFor('Type sweep to delete them');
    await typeAndSubmit(app, 'sweep');
    await app.waitFor('▸ 10/22 strays: 10 keys deleted (1.9 MiB)');
    app.press(CTRL_C);
    await app.waitFor('The sweep stops after this batch. Ctrl+C again quits now, abandoning the batch.');
    service.releaseSweep();
    await app.waitFor('STOPPED  sweep stopped: deleted 10 keys (1.9 MiB)');
    expect(service.strays).toBe(12);
    await app.waitFor('The sweep stopped. Ctrl+C quits.');
    app.press(CTRL_C);
    await app.waitForExit();
  });

  it('x during a sweep stops it after its batch; the status line then says it stopped, and Ctrl+C quits', async () => {
    const service = fixtureService({ holdSweep: true });
    const app = await openStorage(service);
    app.press('D');
    await app.waitFor('Type sweep to delete them');
    await typeAndSubmit(app, 'sweep');
    await app.waitFor('▸ 10/22 strays: 10 keys deleted (1.9 MiB)');
    app.press('x');
    await app.waitFor('The sweep stops after this batch. Ctrl+C quits now, abandoning the batch.');
    service.releaseSweep();
    await app.waitFor('STOPPED  sweep stopped: deleted 10 keys (1.9 MiB)');
    await app.waitFor('The sweep stopped. Ctrl+C quits.');
    app.press(CTRL_C);
    await app.waitForExit();
  });

  it('a second Ctrl+C during a sweep quits at once', async () => {
    const service = fixtureService({ holdSweep: true });
    const app = await openStorage(service);
    app.press('D');
    await app.waitFor('Type sweep to delete them');
    await typeAndSubmit(app, 'sweep');
    await app.waitFor('▸ 10/22 strays');
    app.press(CTRL_C);
    await app.waitFor('Ctrl+C again quits now');
    app.press(CTRL_C);
    await app.waitForExit();
    expect(service.strays).toBe(12);
    service.releaseSweep();
  });

  it("Ctrl+C at the sweep's question deletes nothing and does not quit", async () => {
    const service = fixtureService();
    const app = await openStorage(service);
    app.press('D');
    await app.waitFor('Type sweep to delete them');
    app.press(CTRL_C);
    await app.waitFor('DECLINED  sweep declined');
    expect(service.strays).toBe(22);
    expect(app.frame()).toContain('Repos › Storage');
  });

  it('has no sweep key in read-only mode, and D does nothing there', async () => {
    const service = fixtureService();
    const app = await openStorage(service, { readOnly: true });
    await app.waitFor('Strays by the last dry run');
    expect(app.frame()).toContain('d dry run');
    expect(app.frame()).not.toContain('D sweep');
    app.press('D');
    app.press('?');
    const help = await app.waitFor('Keys of the storage screen (read-only: the keys that delete are removed)');
    expect(help).toContain('sweep dry run: list the store and count the strays; deletes nothing');
    expect(help).not.toContain('sweep: list the store, then delete');
    expect(service.sweeps).toEqual([]);
  });
});
