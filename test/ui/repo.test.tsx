import { afterEach, describe, expect, it } from 'vitest';
import { fixtureService, longHistory } from './fixture-service.js';
import { readFileSync, rmSync } from 'node:fs';
import { cleanup, KEYS, lineWith, openConsole, read } from './harness.js';

afterEach(() => cleanup());

async function openBlueInGreen(options: Parameters<typeof openConsole>[1] = {}, service = fixtureService()) {
  const app = openConsole(service, options);
  await app.waitFor('4.1 MiB');
  app.press(KEYS.enter);
  await app.waitFor('Graph');
  return app;
}

describe('graph screen', () => {
  it('draws the DAG in lanes with states told apart by glyph, labels, and the force-push divergence', async () => {
    const app = await openBlueInGreen();
    const frame = await app.waitFor('Bass line, take 7');
    expect(frame).toContain(' Repos › lowend/blue-in-green › Graph');
    expect(frame).toContain('7 reachable · 2 orphaned: 1 to delete, 1 kept · history diverged at 5a7f18e');
    expect(lineWith(frame, 'a91f03e')).toMatch(/▸ ● +a91f03e00000 \(main\) Bass line, take 7/);
    expect(lineWith(frame, '4c2d9b1')).toMatch(/●─╮ +4c2d9b100000 Merge branch 'bridge'/);
    expect(lineWith(frame, 'e13c5d0')).toMatch(/│ │ ✗ +e13c5d000000 Bass line, take 6 ← tip of an abandoned chain/);
    expect(lineWith(frame, '3b8e1aa')).toContain(
      '3b8e1aa00000 Bass line, take 5 (kept: held by fork keystrio/blue-in-',
    );
    expect(lineWith(frame, 'Piano comping')).toMatch(
      /●─┴─╯ +5a7f18e00000 \[v1\.0-rc\] Piano comping ← an abandoned chain left/,
    );
    expect(lineWith(frame, '9d1e2f3')).toContain('#wire-1');
    expect(frame).toContain('1 graph  2 preview  3 history  4 check  R run gc');
  });

  it('opens a commit with Enter: message, author, time, snapshot and files; Esc goes back', async () => {
    const app = await openBlueInGreen();
    await app.waitFor('Bass line, take 7');
    app.press(`jjjj${KEYS.enter}`);
    const detail = await app.waitFor('files (2)');
    expect(detail).toContain('Repos › lowend/blue-in-green › Graph › commit e13c5d0');
    expect(detail).toContain('Bass line, take 6');
    expect(detail).toContain('author    lowend');
    expect(detail).toContain('(1d ago)');
    expect(detail).toContain('snapshot  5a5a5a1');
    expect(lineWith(detail, 'bass/take.mid')).toContain('64.0 KiB');
    expect(lineWith(detail, 'piano/comping.wav')).toContain('no row');
    app.press(KEYS.esc);
    expect(lineWith(await app.waitFor(/› Graph\n/), '▸')).toContain('e13c5d0');
    app.press(KEYS.esc);
    await app.waitFor('sorted by reclaimable bytes');
  });

  it('scrolls a 100,000-commit history to its middle, drawing only the window', async () => {
    const app = await openBlueInGreen({}, fixtureService({ graph: longHistory(100_000) }));
    await app.waitFor('Take 100000');
    app.press(KEYS.pgdn.repeat(3000));
    const frame = await app.waitFor(
      (shown) => Number(/([\d,]+)-[\d,]+ of 100,000/.exec(shown)?.[1]?.replace(/,/g, '') ?? 0) > 40_000,
    );
    const drawn = frame.split('\n').filter((line) => / Take \d+/.test(line));
    expect(drawn.length).toBeLessThanOrEqual(20);
    expect(frame).toMatch(/[\d,]+-[\d,]+ of 100,000/);
    const position = /([\d,]+)-([\d,]+) of 100,000/.exec(frame)!;
    expect(Number(position[1]!.replace(/,/g, ''))).toBeGreaterThan(40_000);
    expect(lineWith(frame, '▸')).toMatch(/▸ ● +[0-9a-f]{12} Take \d+/);
  });
});

describe('preview screen', () => {
  it('shows per phase what goes and what stays and why, then the list of the chosen phase', async () => {
    const app = await openBlueInGreen();
    app.press('2');
    const frame = await app.waitFor('KEPT, AND WHY');
    expect(frame).toContain('Repos › lowend/blue-in-green › Preview');
    expect(frame).toContain('grace 1h · plan now');
    expect(lineWith(frame, 'PHASE')).toMatch(/^│ PHASE +│ DELETES +│ KEPT, AND WHY +│$/);
    expect(lineWith(frame, '1 commits')).toMatch(
      /│ 38 commit refs, 35 commits +│ 3 held by fork keystrio\/blue-in-green +│$/,
    );
    expect(lineWith(frame, '4 objects')).toMatch(/│ 58 objects, 4\.0 MiB +│ 3 still referenced by keystrio/);
    expect(lineWith(frame, '5 pack cache')).toMatch(/│ 2 expired entries, 96\.0 KiB +│ 1 fresh entry/);
    expect(frame).toContain('Bass line, take 6');
    app.press('jjj');
    expect(lineWith(await app.waitFor('bass/take6.wav'), 'bass/take6.wav')).toContain('3.0 MiB');
    // Enter moves the keys to the phase's list: j then moves down the list, the phase stays chosen.
    app.press(`${KEYS.enter}j`);
    const listing = await app.waitFor((frame) => !frame.includes('(enter to scroll the list)'));
    expect(lineWith(listing, '▸')).toContain('4 objects');
    expect(lineWith(listing, 'bass/take6.wav')).toMatch(/^▸ /);
  });
});

describe('history screen', () => {
  it('lists past runs in a table, and the errors of the one at the cursor', async () => {
    const app = await openBlueInGreen({ columns: 120 });
    app.press('3');
    const frame = await app.waitFor('STARTED');
    expect(frame).toContain('Repos › lowend/blue-in-green › History');
    expect(lineWith(frame, 'STARTED')).toMatch(/^│ STARTED +│ WHO +│ MODE +│ GRACE +│ OUTCOME +│ +FREED │ DELETED +│$/);
    // When, absolute and relative; what was deleted in the words of src/present/words.ts, and the phases that failed.
    expect(lineWith(frame, 'ops')).toMatch(
      /^│ ▸ 2025-05-30 12:00 \(2d ago\) +│ ops +│ real +│ 1h +│ DONE +│ +2\.0 MiB +│ 4 commits, 9 objects +│$/,
    );
    expect(lineWith(frame, 'cron')).toMatch(
      /^│ {3}2025-05-23 12:00 \(9d ago\) +│ cron +│ real +│ 1h +│ FAILED +│ +0 B +│ 1 commit, 0 objects; failed: 4 +│$/,
    );
    expect(frame).not.toContain('error');
    // The run at the cursor says what went wrong.
    app.press('j');
    expect(lineWith(await app.waitFor('✗ 1 error: 2 blobs stay in the journal: AccessDenied'), '▸')).toContain('cron');
  });

  it('opens a past run with Enter: per phase what it deleted, what stayed and why, what differed; m writes its report', async () => {
    const app = await openBlueInGreen();
    app.press('3');
    await app.waitFor('STARTED');
    app.press(KEYS.enter);
    const run = await app.waitFor('run of 2025-05-30 12:00 UTC');
    expect(run).toContain('DONE · real run by ops · grace 1h');
    expect(run).toContain('started   2025-05-30 12:00:00 UTC (2d ago)');
    expect(run).toContain('finished  2025-05-30 12:00:05 UTC (1d ago) · took 5.0 s');
    expect(run).toMatch(/✔ 1 commits +deleted 4 commit refs, 4 commits · 0\.4 s/);
    expect(run).toMatch(/✔ 4 objects +deleted 9 objects, 2\.0 MiB · 1\.2 s/);
    expect(run).toContain('kept since the plan: 1 (1 live again since the plan)');
    expect(run).toContain('differed: 1 object was live again when the phase ran, and stayed');
    expect(run).toContain('m markdown report');
    app.press('m');
    const said = read(await app.waitFor("Wrote the run's report to"));
    const path = /Wrote the run's report to (\S+)/.exec(said.replace(/\.md /, '.md\n'))![1]!;
    try {
      const report = readFileSync(path, 'utf8');
      expect(report).toContain('# musehub-gc run of lowend/blue-in-green');
      expect(report).toContain('| 1 commits | 4 commit refs, 4 commits | 0 | - | 0.4 s | done |');
      expect(report).toContain('| 4 objects | 9 objects, 2.0 MiB | 1 | 1 live again since the plan | 1.2 s | done |');
      expect(report).toContain('- 4 objects: 1 object was live again when the phase ran, and stayed');
    } finally {
      rmSync(path, { force: true });
    }
    app.press(KEYS.esc);
    await app.waitFor('Repos › lowend/blue-in-green › History');
  });
});
