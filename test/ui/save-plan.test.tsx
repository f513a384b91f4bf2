/** The preview saves the plan on screen for `musehub-gc run --plan` (the change-ticket workflow). */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureService } from './fixture-service.js';
import { cleanup, KEYS, openConsole } from './harness.js';

afterEach(() => cleanup());

async function openPreview() {
  const service = fixtureService();
  const app = openConsole(service, { rows: 40, columns: 120 });
  await app.waitFor('4.1 MiB');
  await app.press(KEYS.enter);
  await app.waitFor('Bass line, take 7');
  await app.press('2');
  await app.waitFor('KEPT, AND WHY');
  return { service, app };
}

describe('saving the previewed plan', () => {
  it('w offers a file named for the repo and the plan, Enter saves the very plan on screen', async () => {
    const { service, app } = await openPreview();
    await app.press('w');
    const asking = await app.waitFor('Save the plan to:');
    expect(asking).toMatch(/Save the plan to: lowend-blue-in-green-\d{8}T\d{4}Z\.gcplan/);
    expect(asking).toContain('enter save  esc cancel');
    await app.press(KEYS.enter);
    await app.waitFor('Saved the plan to /');
    expect(service.saved).toHaveLength(1);
    // Saved where the console was started, and said by its absolute path, which works from anywhere.
    const { path } = service.saved[0]!;
    expect(path).toBe(join(process.cwd(), path.slice(path.lastIndexOf('/') + 1)));
    expect(path).toMatch(/\/lowend-blue-in-green-\d{8}T\d{4}Z\.gcplan$/);
    expect(service.saved[0]!.plan.phases[0]).toMatchObject({ refs: 38, rows: 35 });
    const said = app
      .frame()
      .split('\n')
      .map((line) => line.trim())
      .join(' ');
    expect(said).toContain(`Saved the plan to ${path}`);
    expect(said).toMatch(new RegExp(`Apply it with: .*run --plan ${path}\\.`));
  });

  it('Esc leaves the name unsaved, and keys go back to the preview', async () => {
    const { service, app } = await openPreview();
    await app.press('w');
    await app.waitFor('Save the plan to:');
    await app.press(KEYS.esc);
    await app.waitFor('w save plan');
    expect(app.frame()).not.toContain('Save the plan to:');
    expect(service.saved).toEqual([]);
  });

  it('read-only keeps the key: saving deletes nothing', async () => {
    const service = fixtureService();
    const app = openConsole(service, { rows: 40, columns: 120, readOnly: true });
    await app.waitFor('4.1 MiB');
    await app.press(KEYS.enter);
    await app.waitFor('Bass line, take 7');
    await app.press('2');
    await app.waitFor('w save plan');
    expect(app.frame()).not.toContain('R run gc');
  });
});
