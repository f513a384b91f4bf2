import { afterEach, describe, expect, it } from 'vitest';
import { fixtureService } from './fixture-service.js';
import { cleanup, KEYS, openConsole, read, typeAndSubmit } from './harness.js';
import { renderConsole } from '../../src/ui/app.js';
import { UserError } from '../../src/errors.js';

afterEach(() => cleanup());

describe('console app', () => {
  it('says when the terminal is too small, and draws again when it is not', async () => {
    const app = openConsole(fixtureService(), { columns: 50, rows: 8 });
    const frame = await app.waitFor('Terminal too small');
    expect(frame).toContain('(50x8)');
    expect(frame).not.toContain('REPO');
  });

  it('opens help with ?, drawn from the keymap for the screen it came from, and Esc closes it', async () => {
    const app = openConsole(fixtureService());
    await app.waitFor('4.1 MiB');
    app.press('?');
    const help = await app.waitFor('Keys of the repos screen');
    expect(help).toContain('Repos › Help');
    expect(help).toContain('/            filter repos by name');
    app.press('G');
    await app.waitFor('Glyphs: ● reachable  ✗ orphaned, to delete  ○ orphaned, kept');
    expect(app.frame()).toMatch(/orphaned +a commit none of them leads to; reachable \+ orphaned = every commit/);
    app.press(KEYS.esc);
    await app.waitFor('sorted by reclaimable bytes');
  });

  it('takes Enter and the keys after it in one write: they go to the view Enter opened', async () => {
    const app = openConsole(fixtureService());
    await app.waitFor('4.1 MiB');
    app.press(`${KEYS.enter}jj`);
    // The moves replay once the graph is there: the cursor ends on the third commit.
    const frame = await app.waitFor(/^▸ .*77e0c4a/m);
    expect(frame).toContain('Bass line, take 7');
  });

  it('switches repo views with 1, 2, 3 and Tab, with breadcrumbs to match', async () => {
    const app = openConsole(fixtureService());
    await app.waitFor('4.1 MiB');
    app.press(KEYS.enter);
    await app.waitFor('Bass line, take 7');
    app.press('\t');
    await app.waitFor('Repos › lowend/blue-in-green › Preview');
    app.press('3');
    await app.waitFor('Repos › lowend/blue-in-green › History');
    app.press('1');
    await app.waitFor('Repos › lowend/blue-in-green › Graph');
    app.press(KEYS.esc);
    await app.waitFor(' Repos\n');
  });

  it('goes back a view with Shift+Tab, ← or h, and on with → or l', async () => {
    const app = openConsole(fixtureService());
    await app.waitFor('4.1 MiB');
    app.press(KEYS.enter);
    await app.waitFor('Bass line, take 7');
    app.press('\u001b[Z');
    await app.waitFor('Repos › lowend/blue-in-green › Check');
    app.press('h');
    await app.waitFor('Repos › lowend/blue-in-green › History');
    app.press(KEYS.left);
    await app.waitFor('Repos › lowend/blue-in-green › Preview');
    app.press('l');
    await app.waitFor('Repos › lowend/blue-in-green › History');
    app.press(KEYS.right);
    await app.waitFor('Repos › lowend/blue-in-green › Check');
    app.press('?');
    const help = await app.waitFor('previous view of the repo');
    expect(help).toMatch(/Shift\+Tab\/←\/h +previous view of the repo/);
  });

  it('takes commands after : (k9s): the screens by name, and a plan file to apply with the same prompts', async () => {
    const service = fixtureService();
    const app = openConsole(service, { rows: 30 });
    await app.waitFor('4.1 MiB');
    app.press('?');
    await app.waitFor((frame) =>
      read(frame).includes(
        ': a command: :repos, :check (every repo), :storage, :history (of the repo open), :plan FILE',
      ),
    );
    app.press(KEYS.esc);
    await app.waitFor('sorted by reclaimable bytes');
    const command = async (text: string) => {
      app.press(':');
      await app.waitFor('enter go  esc cancel');
      await typeAndSubmit(app, text, ':');
    };
    await command('storage');
    await app.waitFor('Repos › Storage');
    await command('repos');
    await app.waitFor(' Repos\n');
    await command('history');
    await app.waitFor('No repo is open: :history shows the runs of the repo open');
    app.press(KEYS.enter);
    await app.waitFor('Bass line, take 7');
    await command('history');
    await app.waitFor('Repos › lowend/blue-in-green › History');
    await command('chek');
    await app.waitFor(':chek is not a command: :repos, :check, :storage, :history or :plan FILE');
    await command('plan nowhere.gcplan');
    await app.waitFor('nowhere.gcplan does not exist: check the name');
    await command('plan gc-4711.gcplan');
    const asking = await app.waitFor('[y/N]');
    // Who made the file and when, and what differs from the hub now, before the first question.
    expect(read(asking)).toMatch(
      /gc-4711\.gcplan: the plan of lowend\/blue-in-green made by ops@gc-box with musehub-gc 0\.1\.0, \d{4}-\d\d-\d\d \d\d:\d\d UTC \(now\), grace 1h\./,
    );
    expect(read(asking)).toContain(
      'Against the hub now: phase 1 commits: the file lists 38 commit refs, 35 commits; 36 commit refs, 33 commits now; ' +
        'no longer garbage: 2 live again: reachable from release v0.9. The run checks it again under the lock',
    );
    expect(service.targets).toEqual([
      expect.objectContaining({
        source: 'file',
        plan: expect.objectContaining({ repo: expect.objectContaining({ slug: 'blue-in-green' }) }),
      }),
    ]);
  });

  it('says read-only when a key that deletes is pressed in a read-only console', async () => {
    const app = openConsole(fixtureService(), { readOnly: true });
    await app.waitFor('4.1 MiB');
    app.press('A');
    await app.waitFor('read-only: A (gc all) deletes, and this console was started with --read-only.');
    app.press(KEYS.enter);
    await app.waitFor('Bass line, take 7');
    app.press('R');
    await app.waitFor('read-only: R (run gc) deletes');
  });

  it('refuses to start without a TTY, in one line pointing at the headless commands', async () => {
    const error = await renderConsole(fixtureService(), { readOnly: false, graceSeconds: 3600 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).kind).toBe('usage');
    expect((error as UserError).message).toBe(
      'the console needs a terminal (TTY); run `musehub-gc --help` for the headless commands',
    );
  });
});
