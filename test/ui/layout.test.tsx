/**
 * Nothing cut off: at 60x20 and 80x24 every frame fits the terminal, the mode badge shows, and a
 * question, a warning or a status line is there whole (wrapped), as a person reads it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { fixtureService } from './fixture-service.js';
import { cleanup, KEYS, openConsole, read, typeAndSubmit } from './harness.js';

afterEach(() => cleanup());

const SIZES = [
  { columns: 60, rows: 20 },
  { columns: 80, rows: 24 },
] as const;
const LABEL = 'embedded /home/operator/.cache/musehub-gc';

/** Every line of the frame within the terminal's columns, and no more lines than its rows. */
function expectFits(frame: string, size: { columns: number; rows: number }): void {
  const lines = frame.split('\n');
  expect(lines.length, frame).toBeLessThanOrEqual(size.rows);
  for (const line of lines) expect(stringWidth(line), `${line}\n in\n${frame}`).toBeLessThanOrEqual(size.columns);
}

describe.each(SIZES)('the console at $columns x $rows', (size) => {
  it('keeps the read-only badge and help in the title bar, cutting the hub path from its start', async () => {
    const app = openConsole(fixtureService({ label: LABEL }), { ...size, readOnly: true });
    const frame = await app.waitFor('4.1 MiB');
    const title = frame.split('\n')[0]!;
    expect(title).toContain('READ-ONLY');
    expect(title).toContain('grace 1h');
    expect(title).toContain('? help');
    expect(title).toMatch(/…[a-z/.]*musehub-gc · /);
    expectFits(frame, size);
  });

  it("shows a phase's question and its [y/N] whole, the field of a blob phase and its way out", async () => {
    const app = openConsole(fixtureService(), size);
    await app.waitFor('4.1 MiB');
    app.press(KEYS.enter);
    await app.waitFor('a91f03e');
    app.press('R');
    const asking = await app.waitFor((frame) => read(frame).includes('[y/N]'));
    expect(read(asking)).toContain('Delete 38 commit refs, 35 commits of lowend/blue-in-green? [y/N]');
    expectFits(asking, size);
    app.press('y');
    await app.waitFor((frame) => read(frame).includes('Delete 35 snapshots'));
    app.press('y');
    await app.waitFor((frame) => read(frame).includes('Delete 61 object refs'));
    app.press('y');
    const slug = await app.waitFor((frame) => read(frame).includes('(Enter on nothing skips, Esc stops):'));
    expect(read(slug)).toContain(
      'Type lowend/blue-in-green to delete 58 objects, 4.0 MiB from storage (Enter on nothing skips, Esc stops):',
    );
    expect(slug).toContain('› ');
    expectFits(slug, size);
    await typeAndSubmit(app, 'blue');
    const refused = await app.waitFor((frame) => read(frame).includes('is not lowend/blue-in-green'));
    expect(read(refused)).toContain(
      '"blue" is not lowend/blue-in-green: type it exactly, or clear it and press Enter to skip.',
    );
    expectFits(refused, size);
  });

  it('wraps a long status line whole, the screen above giving up its rows', async () => {
    const service = fixtureService();
    const app = openConsole(service, size);
    await app.waitFor('4.1 MiB');
    app.press(KEYS.enter);
    await app.waitFor('a91f03e');
    app.press('2');
    await app.waitFor('KEPT, AND WHY');
    app.press('w');
    await app.waitFor('Save the plan to:');
    app.press(KEYS.enter);
    const saved = await app.waitFor((frame) => read(frame).includes('Saved the plan to'));
    const path = service.saved[0]!.path;
    // A path longer than a line is cut where the line ends: read without spaces, it is whole.
    const unspaced = read(saved).replace(/ /g, '');
    expect(unspaced).toContain(`Savedtheplanto${path}(1.2KiB).Applyitwith:`);
    expect(unspaced).toContain(`run--plan${path}.`);
    expect(saved.split('\n').at(-1)).toContain('w save plan');
    // The preview gave up rows at its bottom, and drew none over another (a squeezed screen did).
    expect(read(saved)).toContain(
      'commits: 176 reachable · 38 orphaned: 35 to delete, 3 kept · a dry run: nothing is deleted',
    );
    expectFits(saved, size);
  });
});

describe('resizing', () => {
  it('draws the frame again at the new size, badge and all', async () => {
    const app = openConsole(fixtureService({ label: LABEL }), { columns: 140, rows: 40, readOnly: true });
    await app.waitFor('4.1 MiB');
    app.press(KEYS.enter);
    await app.waitFor('Bass line, take 7');
    app.resize(60, 20);
    const narrow = await app.waitFor((frame) => frame.split('\n').length <= 20);
    expectFits(narrow, { columns: 60, rows: 20 });
    expect(narrow.split('\n')[0]).toContain('READ-ONLY');
    expect(narrow).toContain('a91f03e00000 (main) Bass');
    app.resize(50, 8);
    await app.waitFor('Terminal too small (50x8)');
    app.resize(80, 24);
    const wide = await app.waitFor('a91f03e00000 (main) Bass');
    expectFits(wide, { columns: 80, rows: 24 });
  });
});

/** Down to the smallest size the console draws in, a typed confirmation's question and its field are there whole. */
describe.each([{ columns: 60, rows: 10 }, ...SIZES])('typed confirmations at $columns x $rows', (size) => {
  /** The question and the field under it: the field's `› ` on the line after the question's last. */
  function expectQuestionAndField(frame: string, question: string): void {
    expect(read(frame)).toContain(question);
    const lines = frame.split('\n');
    const lastWord = question.split(' ').at(-1)!;
    const at = lines.findIndex((line) => line.includes(lastWord));
    expect(lines[at + 1], frame).toMatch(/^[│ ]*›( |$)/);
    expectFits(frame, size);
  }

  it("the repo's slug before a blob phase, and why a wrong one did not confirm", async () => {
    const app = openConsole(fixtureService(), size);
    await app.waitFor('lowend/blue-in-green');
    app.press(KEYS.enter);
    await app.waitFor('a91f03e');
    app.press('R');
    await app.waitFor((frame) => read(frame).includes('[y/N]'));
    app.press('y');
    await app.waitFor((frame) => read(frame).includes('Delete 35 snapshots'));
    app.press('y');
    await app.waitFor((frame) => read(frame).includes('Delete 61 object refs'));
    app.press('y');
    const question =
      'Type lowend/blue-in-green to delete 58 objects, 4.0 MiB from storage (Enter on nothing skips, Esc stops):';
    expectQuestionAndField(await app.waitFor((frame) => read(frame).includes('Esc stops):')), question);
    await typeAndSubmit(app, 'blue');
    const refused = await app.waitFor((frame) => read(frame).includes('is not lowend/blue-in-green'));
    expect(read(refused)).toContain(
      '"blue" is not lowend/blue-in-green: type it exactly, or clear it and press Enter to skip.',
    );
    expectQuestionAndField(refused, question);
  });

  it("the hub's label before a pass of every repo", async () => {
    const service = fixtureService();
    const app = openConsole(service, size);
    await app.waitFor('lowend/blue-in-green');
    app.press('A');
    const asking = await app.waitFor((frame) => read(frame).includes('collects nothing):'));
    expectQuestionAndField(asking, 'Type fixture demo hub to start (Enter on nothing or Esc collects nothing):');
    await typeAndSubmit(app, 'Ay');
    const refused = await app.waitFor((frame) => read(frame).includes('"Ay" is not fixture demo hub'));
    expectQuestionAndField(refused, 'Type fixture demo hub to start (Enter on nothing or Esc collects nothing):');
  });

  it('the word sweep before the strays are deleted', async () => {
    const app = openConsole(fixtureService(), size);
    await app.waitFor('lowend/blue-in-green');
    app.press('b');
    await app.waitFor('Repos › Storage');
    app.press('D');
    const asking = await app.waitFor((frame) => read(frame).includes('Esc cancels):'));
    expectQuestionAndField(asking, 'Type sweep to delete them (Enter on nothing deletes nothing, Esc cancels):');
    await typeAndSubmit(app, 'swept');
    const refused = await app.waitFor((frame) => read(frame).includes('"swept" is not sweep'));
    expectQuestionAndField(refused, 'Type sweep to delete them (Enter on nothing deletes nothing, Esc cancels):');
  });
});
