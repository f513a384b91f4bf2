import { afterEach, describe, expect, it } from 'vitest';
import { CHECK_PROBLEMS, cid, fixtureService } from './fixture-service.js';
import { cleanup, KEYS, lineWith, openConsole } from './harness.js';

afterEach(() => cleanup());

/** The check of every repo's rows as `owner/slug ✔` or `owner/slug ✗`, top to bottom. */
const resultRows = (frame: string) =>
  frame.split('\n').flatMap((line) => {
    const match = /^[▸ ] (\S+\/\S+) +([✔✗])/.exec(line);
    return match ? [`${match[1]} ${match[2]}`] : [];
  });

/** Opens a repo of the table (by its place once sorted) on its Check tab. */
async function openCheckTab(service = fixtureService(), options: Parameters<typeof openConsole>[1] = {}, moves = '') {
  const app = openConsole(service, { rows: 30, ...options });
  await app.waitFor('4.1 MiB');
  app.press(`${moves}${KEYS.enter}`);
  await app.waitFor(/› Graph\n/);
  app.press('4');
  await app.waitFor(/› Check\n/);
  return app;
}

describe('check tab', () => {
  it('a check that failed, checked again: the status line no longer says it failed', async () => {
    const app = await openCheckTab(fixtureService({ checkFailures: 1 }));
    app.press('c');
    await app.waitFor('The check failed: Connection terminated unexpectedly');
    app.press('c');
    const checked = await app.waitFor(/last check: 22 problems, now|checked now/);
    expect(checked).not.toContain('The check failed');
  });

  it('says when the repo was last checked and what that found, each kind explained; the record has no ids', async () => {
    const app = await openCheckTab();
    const frame = await app.waitFor('last check: 22 problems, 2h ago');
    expect(frame).toContain('[4 Check]');
    expect(frame).toContain("the objects' blobs not looked up (musehub-gc check --blobs does)");
    expect(frame).toContain('✗ 1 live snapshot whose manifest cannot be read');
    expect(frame).toContain('GC refuses phases 3 and 4 for this repo');
    expect(frame).toContain('✗ 7 objects named by live manifests that the repo holds no ref to');
    expect(frame).not.toContain(cid('0bf0'));
    app.press('G');
    expect(await app.waitFor('The recorded check keeps counts only: c checks again and lists the ids.')).toContain(
      '✗ 2 live commits whose parent_ids is not a JSON array of commit ids',
    );
    expect(app.frame()).toContain('c check now  1 graph  2 preview  3 history  4 check  R run gc');
  });

  it('checks on c, with progress, then lists the ids of each kind under its explanation, and they scroll', async () => {
    const service = fixtureService({ holdCheckAt: 0 });
    const app = await openCheckTab(service);
    await app.waitFor('last check: 22 problems, 2h ago');
    app.press('c');
    const checking = await app.waitFor('checking lowend/blue-in-green: liveness… (nothing is changed)');
    // While it checks, c is not offered again.
    expect(checking).not.toContain('c check now');
    service.releaseCheck();
    const found = await app.waitFor('last check: 22 problems, now');
    expect(found).toContain(`    ${cid('5a5a0')}  does not decode as MessagePack`);
    expect(found).toContain(`    ${cid('0bf0')}`);
    expect(found).toContain('    and 2 more');
    // The findings do not fit: they scroll, and the list says where it is.
    expect(found).toMatch(/1-\d+ of \d+/);
    expect(found).not.toContain(cid('bad1'));
    app.press('G');
    const bottom = await app.waitFor(`${cid('bad1')}  parent_ids is 42`);
    expect(lineWith(bottom, cid('bad1'))).toContain('parent_ids is 42');
    expect(bottom).toContain('GC refuses phases 1 to 4 for this repo');
    expect(bottom).not.toContain('1 live snapshot whose manifest');
  });

  it('is there in read-only mode: the check changes nothing', async () => {
    const app = await openCheckTab(fixtureService(), { readOnly: true });
    await app.waitFor('last check: 22 problems');
    expect(app.frame()).toContain('c check now');
    app.press('c');
    await app.waitFor('last check: 22 problems, now');
  });

  it('says a repo that checked clean is clean, and one never checked that it never was', async () => {
    // Sorted by reclaimable bytes: caravan second, giant-steps last.
    const app = await openCheckTab(fixtureService(), {}, 'j');
    expect(await app.waitFor('last check: clean, 1d ago')).toContain('✔ clean: nothing to say before pruning.');
    app.press(KEYS.esc);
    await app.waitFor('sorted by reclaimable bytes');
    app.press(`jj${KEYS.enter}`);
    await app.waitFor('Repos › tenor/giant-steps › Graph');
    app.press('4');
    expect(await app.waitFor('never checked: c checks the repo now')).not.toContain('✗');
  });
});

describe('hub-wide check', () => {
  it('a check that failed, checked again: the status line no longer says it failed', async () => {
    const app = openConsole(fixtureService({ checkFailures: 1 }), { rows: 30 });
    await app.waitFor('4.1 MiB');
    app.press('c');
    await app.waitFor(/The check failed: Connection terminated unexpectedly[\s\S]*c check again/);
    app.press('c');
    const checked = await app.waitFor('checked 4 repos of fixture demo hub');
    expect(checked).not.toContain('The check failed');
  });

  it("checks every repo from the repos list with progress, says each clean or its problems, and opens a repo's findings", async () => {
    const service = fixtureService({ holdCheckAt: 2 });
    const app = openConsole(service, { rows: 30 });
    await app.waitFor('4.1 MiB');
    expect(app.frame()).toContain('c check all  b storage');
    app.press('c');
    const checking = await app.waitFor('checking 3 of 4 repos: tenor/giant-steps (liveness)… nothing is changed');
    expect(checking).toContain('Repos › Check all');
    expect(lineWith(checking, 'lowend/blue-in-green')).toContain(
      '✗ 22 problems of 4 kinds, the first: 1 live snapshot whose manifest',
    );
    expect(lineWith(checking, 'bigband/caravan')).toContain('✔ clean');
    expect(checking).not.toContain('c check again');
    service.releaseCheck();
    const done = await app.waitFor('checked 4 repos of fixture demo hub in 0.4 s: 3 clean, 1 with problems');
    expect(lineWith(done, 'keystrio/blue-in-green')).toContain('✔ clean');
    expect(done).toContain('enter findings  c check again');
    app.press(KEYS.enter);
    const findings = await app.waitFor('Repos › Check all › lowend/blue-in-green › Check');
    expect(findings).toContain('last check: 22 problems, now');
    expect(findings).toContain(`    ${cid('c0a0')}`);
    app.press(KEYS.esc);
    await app.waitFor('enter findings  c check again');
  });

  it('lists the repos with problems first once the check is done, the cursor staying on its repo', async () => {
    const service = fixtureService({
      holdCheckAt: 3,
      checkProblems: { ...CHECK_PROBLEMS, r3: CHECK_PROBLEMS.r1!.slice(1, 2) },
    });
    const app = openConsole(service, { rows: 30 });
    await app.waitFor('4.1 MiB');
    app.press('c');
    const checking = await app.waitFor('checking 4 of 4 repos: keystrio/blue-in-green');
    // While it checks, the repos stay in the order checked.
    expect(resultRows(checking)).toEqual(['lowend/blue-in-green ✗', 'bigband/caravan ✔', 'tenor/giant-steps ✗']);
    app.press('j');
    await app.waitFor((frame) => lineWith(frame, '▸').includes('bigband/caravan'));
    service.releaseCheck();
    const done = await app.waitFor('2 clean, 2 with problems');
    expect(resultRows(done)).toEqual([
      'lowend/blue-in-green ✗',
      'tenor/giant-steps ✗',
      'bigband/caravan ✔',
      'keystrio/blue-in-green ✔',
    ]);
    expect(lineWith(done, '▸')).toContain('bigband/caravan');
    expect(lineWith(done, 'tenor/giant-steps')).toContain(
      '✗ 7 objects named by live manifests that the repo holds no ref to',
    );
    app.press(KEYS.enter);
    await app.waitFor('Repos › Check all › bigband/caravan › Check');
  });
});

describe('run screen', () => {
  async function runOf(moves: string) {
    const app = openConsole(fixtureService(), { rows: 40 });
    await app.waitFor('4.1 MiB');
    app.press(`${moves}${KEYS.enter}`);
    await app.waitFor(/› Graph\n/);
    app.press('R');
    return app.waitFor('[y/N]');
  }

  it('says before the first prompt that the last check found problems, and when', async () => {
    const frame = await runOf('');
    expect(frame).toContain(' last check: 22 problems, 2h ago — see the Check tab');
    expect(frame.indexOf('last check')).toBeLessThan(frame.indexOf('[y/N]'));
  });

  it('says the last check was clean, or that there was none', async () => {
    expect(await runOf('j')).toContain(' last check: clean, 1d ago\n');
    expect(await runOf('jj')).toContain(' last check: never checked — the Check tab checks it, changing nothing');
  });
});
