/** "Why is this alive?" in the console: y on the graph, the commit details and the preview's list. */
import { afterEach, describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { UsageError } from '../../src/errors.js';
import { cid, fixtureService } from './fixture-service.js';
import { cleanup, KEYS, lineWith, openConsole, read } from './harness.js';

afterEach(() => cleanup());

async function openGraph(options: Parameters<typeof openConsole>[1] = {}, service = fixtureService()) {
  const app = openConsole(service, options);
  await app.waitFor('4.1 MiB');
  app.press(KEYS.enter);
  await app.waitFor('a91f03e');
  return app;
}

/** Whether the frame reads `text`, though it wraps over lines. */
const says = (text: string) => (frame: string) => read(frame).includes(text);
/** The frame's text with every space gone: an id wrapped over lines reads whole. */
const unspaced = (frame: string) => read(frame).replace(/ /g, '');
/** The row the cursor is on: the line that starts with the marker. */
const chosenRow = (frame: string) => frame.split('\n').find((line) => line.startsWith('▸ ')) ?? '';

describe('why on the graph', () => {
  it('says a reachable commit is live, and the path from the branch; a move closes it and moves', async () => {
    const app = await openGraph();
    app.press('jjj');
    await app.waitFor((frame) => chosenRow(frame).includes('0b9a2ff'));
    app.press('y');
    const frame = await app.waitFor(says('live, nothing deletes it'));
    expect(read(frame)).toContain(`commit ${cid('0b9a2ff')} of lowend/blue-in-green: live, nothing deletes it`);
    expect(read(frame)).toContain('via branch main → 2 parents down');
    expect(frame).toContain('y why');
    app.press('k');
    const moved = await app.waitFor((shown) => !shown.includes('live, nothing deletes it'));
    expect(chosenRow(moved)).toContain('77e0c4a');
  });

  it('says an orphaned commit goes in phase 1, and why; Esc closes the answer and stays on the graph', async () => {
    const app = await openGraph();
    app.press('jjjj');
    await app.waitFor((frame) => chosenRow(frame).includes('e13c5d0'));
    app.press('y');
    const said = read(await app.waitFor(says('GC deletes it in phase 1 commits')));
    expect(said).toContain(`commit ${cid('e13c5d0')} of lowend/blue-in-green: GC deletes it in phase 1 commits`);
    expect(said).toContain(
      'no branch, release or wire tag of the repo reaches it, and no other repo holds it; ' +
        "this repo's ref goes in phase 1 commits",
    );
    app.press(KEYS.esc);
    const closed = await app.waitFor((frame) => !frame.includes('GC deletes it'));
    expect(closed).toContain('Repos › lowend/blue-in-green › Graph');
    expect(chosenRow(closed)).toContain('e13c5d0');
  });

  it('says a kept commit stays because the fork holds it, in read-only too', async () => {
    const app = await openGraph({ readOnly: true });
    app.press('jjjjj');
    await app.waitFor((frame) => chosenRow(frame).includes('3b8e1aa'));
    app.press('y');
    const said = read(await app.waitFor(says('not live, kept')));
    expect(said).toContain(
      `commit ${cid('3b8e1aa')} of lowend/blue-in-green: not live, kept: phase 1 commits leaves it`,
    );
    expect(said).toContain("held by keystrio/blue-in-green; this repo's ref goes in phase 1 commits");
  });

  it('shows a spinner line while the engine works, then the answer', async () => {
    let answer: () => void = () => undefined;
    const service = fixtureService();
    const why = service.why;
    const held = new Promise<void>((resolve) => (answer = resolve));
    service.why = async (...args) => {
      await held;
      return why(...args);
    };
    const app = await openGraph({}, service);
    app.press('y');
    await app.waitFor('asking why a91f03e00000 is alive…');
    answer();
    const frame = await app.waitFor(says('live, nothing deletes it'));
    expect(frame).not.toContain('asking why');
    expect(read(frame)).toContain('via branch main');
  });

  it('says a failure in one error line', async () => {
    const service = fixtureService();
    service.why = async () => {
      throw new UsageError('the hub refused the question: statement timeout');
    };
    const app = await openGraph({}, service);
    app.press('y');
    const frame = await app.waitFor('✗ why');
    expect(lineWith(frame, '✗ why')).toContain('✗ why a91f03e00000: the hub refused the question: statement timeout');
  });

  it('shows the answer whole at 60x20, the chosen row still in view', async () => {
    const size = { columns: 60, rows: 20 };
    const app = await openGraph(size);
    app.press('jjjjj');
    await app.waitFor((frame) => chosenRow(frame).includes('3b8e1aa'));
    app.press('y');
    const frame = await app.waitFor((shown) => unspaced(shown).includes('thisrepo'));
    // The whole id and both lines, wrapped at the width and never cut.
    expect(unspaced(frame)).toContain(
      `commit${cid('3b8e1aa')}oflowend/blue-in-green:notlive,kept:phase1commitsleavesit`.replace(/ /g, ''),
    );
    expect(unspaced(frame)).toContain("heldbykeystrio/blue-in-green;thisrepo'srefgoesinphase1commits");
    expect(chosenRow(frame)).toContain('3b8e1aa');
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(size.rows);
    for (const line of lines) expect(stringWidth(line), `${line}\n in\n${frame}`).toBeLessThanOrEqual(size.columns);
    expect(lines.at(-1)).toContain('y why');
  });
});

describe('why on the commit details', () => {
  it('asks about the commit shown; Esc closes the answer, then goes back', async () => {
    const app = await openGraph();
    app.press(`jjjj${KEYS.enter}`);
    await app.waitFor('files (2)');
    app.press('y');
    const said = read(await app.waitFor(says('GC deletes it in phase 1 commits')));
    expect(said).toContain(`commit ${cid('e13c5d0')} of lowend/blue-in-green: GC deletes it in phase 1 commits`);
    app.press(KEYS.esc);
    const closed = await app.waitFor((frame) => !frame.includes('GC deletes it'));
    expect(closed).toContain('› commit e13c5d0');
    app.press(KEYS.esc);
    await app.waitFor(/› Graph\n/);
  });
});

describe('why on the preview', () => {
  it("asks about the list's chosen object; a phase that lists no commit or object says so", async () => {
    const app = await openGraph({ rows: 40 });
    app.press('2');
    await app.waitFor('KEPT, AND WHY');
    // The keys on the phases: y says to choose an item first.
    app.press('y');
    await app.waitFor(says('! enter moves to the list of what goes'));
    app.press('j');
    await app.waitFor((frame) => !frame.includes('enter moves to the list') && read(frame).includes('▸ 2 snapshots'));
    app.press(`${KEYS.enter}y`);
    await app.waitFor(says('! y asks why about a commit or an object: phase 2 snapshots lists neither'));
    app.press(`${KEYS.enter}jj${KEYS.enter}`);
    await app.waitFor((frame) => chosenRow(frame).includes('bass/take6.mid'));
    app.press('y');
    const said = read(await app.waitFor(says('live, nothing deletes it')));
    expect(said).toContain(`object sha256:${cid('0b0b0b1')} of lowend/blue-in-green: live, nothing deletes it`);
    expect(said).toContain('at bass/take.mid in snapshot 5a5a5a100000 of commit a91f03e00000, via branch main');
    app.press('j');
    await app.waitFor((frame) => !frame.includes('live, nothing deletes it'));
  });
});
