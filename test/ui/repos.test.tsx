import { afterEach, describe, expect, it } from 'vitest';
import { fixtureService } from './fixture-service.js';
import { cleanup, KEYS, lineWith, openConsole, read } from './harness.js';

afterEach(() => cleanup());

const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
const rowsOf = (frame: string) =>
  frame
    .split('\n')
    .filter((line) => /^[▸ ] \S+\/\S+/.test(line))
    .map((line) => line.slice(2).split(' ')[0]);

describe('repos screen', () => {
  it('opens before estimates arrive, a spinner per row, and typing does not wait on them', async () => {
    const service = fixtureService({ holdEstimates: true });
    const app = openConsole(service);
    const first = await app.waitFor('tenor/giant-steps');
    expect(first).toContain('musehub-gc · fixture demo hub · read-write · grace 1h');
    expect(first).toContain(' Repos\n');
    expect(lineWith(first, 'bigband/caravan')).toMatch(SPINNER);
    expect(lineWith(first, 'bigband/caravan')).toContain('3d ago');
    // Estimates are still held: filtering answers at once.
    app.press('/giant');
    expect(rowsOf(await app.waitFor('filter: /giant'))).toEqual(['tenor/giant-steps']);
  });

  it('fills rows as estimates arrive and sorts by reclaimable bytes, keeping the cursor on its repo', async () => {
    const service = fixtureService({ holdEstimates: true });
    const app = openConsole(service);
    await app.waitFor('tenor/giant-steps');
    app.press('jj');
    await app.waitFor((frame) => lineWith(frame, '▸').includes('lowend/blue-in-green'));
    service.releaseEstimates();
    const filled = await app.waitFor('4.1 MiB');
    expect(rowsOf(filled)).toEqual([
      'lowend/blue-in-green',
      'bigband/caravan',
      'keystrio/blue-in-green',
      'tenor/giant-steps',
    ]);
    expect(lineWith(filled, '▸')).toContain('lowend/blue-in-green');
    // Commits orphaned, commits and objects to delete, the bytes that frees: the words of src/present/words.ts.
    expect(lineWith(filled, 'REPO')).toMatch(/ORPHANED\s+TO DELETE\s+OBJECTS\s+▼RECLAIMABLE/);
    expect(lineWith(filled, 'lowend/blue-in-green')).toMatch(/38\s+35\s+58\s+4\.1 MiB\s+1h ago\s+never/);
    expect(lineWith(filled, 'bigband/caravan')).toContain('512.0 KiB');
    expect(read(filled)).toContain(
      'lowend/blue-in-green: 38 orphaned commits: 35 to delete, 3 kept · to delete: 35 commits, 58 objects, 4.1 MiB · estimated 10m ago',
    );
    // A repo whose phases 3-4 are refused shows what phases 1, 2 and 5 still delete, and says refused once.
    app.press('jj');
    const refused = await app.waitFor('phases 3-4 refused (snapshot 5a5a does not decode)');
    expect(lineWith(refused, '▸')).toContain('keystrio/blue-in-green');
    expect(lineWith(refused, 'keystrio/blue-in-green')).toMatch(/2\s+2\s+refused\s+20\.0 KiB/);
    expect(refused).not.toContain('error');
  });

  it('sorts in reverse with S, the marker on the sorted column saying which way', async () => {
    const app = openConsole(fixtureService());
    await app.waitFor('4.1 MiB');
    expect(lineWith(app.frame(), 'REPO')).toContain('▼RECLAIMABLE');
    app.press('S');
    const reversed = await app.waitFor('sorted by reclaimable bytes, reversed');
    expect(lineWith(reversed, 'REPO')).toContain('▲RECLAIMABLE');
    expect(rowsOf(reversed)).toEqual([
      'tenor/giant-steps',
      'keystrio/blue-in-green',
      'bigband/caravan',
      'lowend/blue-in-green',
    ]);
    // The next column sorts biggest first again.
    app.press('s');
    const orphans = await app.waitFor('sorted by orphaned commits');
    expect(lineWith(orphans, 'REPO')).toMatch(/▼ORPHANED .* RECLAIMABLE/);
  });

  it('brings the cursor back to the repo opened after Esc, whatever re-sorted the rows meanwhile', async () => {
    const service = fixtureService({ holdEstimates: true });
    const app = openConsole(service);
    await app.waitFor('tenor/giant-steps');
    // No estimate yet: the rows are by name, caravan first, and the cursor has not moved; estimates
    // arriving while caravan is open sort blue-in-green above it.
    expect(lineWith(app.frame(), '▸')).toContain('bigband/caravan');
    app.press(KEYS.enter);
    await app.waitFor('Repos › bigband/caravan › Graph');
    service.releaseEstimates();
    app.press(KEYS.esc);
    const back = await app.waitFor((frame) => frame.includes('4.1 MiB') && frame.includes('512.0 KiB'));
    expect(rowsOf(back)[0]).toBe('lowend/blue-in-green');
    expect(lineWith(back, '▸')).toContain('bigband/caravan');
  });

  it('handles a burst of keys in one write: moves, sort, filter typed and kept', async () => {
    const app = openConsole(fixtureService());
    await app.waitFor('4.1 MiB');
    app.press(`${KEYS.down}${KEYS.down}k`);
    await app.waitFor((frame) => lineWith(frame, '▸').includes('bigband/caravan'));
    app.press('sssss');
    expect(rowsOf(await app.waitFor('sorted by name'))[0]).toBe('bigband/caravan');
    app.press(`/blue${KEYS.enter}j`);
    const filtered = await app.waitFor((frame) => frame.includes('filter: /blue') && !frame.includes('/blue▏'));
    expect(rowsOf(filtered)).toEqual(['keystrio/blue-in-green', 'lowend/blue-in-green']);
    expect(lineWith(filtered, '▸')).toContain('lowend/blue-in-green');
    app.press(KEYS.esc);
    await app.waitFor((frame) => rowsOf(frame).length === 4);
  });

  it('scrolls 10,000 repos virtually: draws only a window, G and PgUp move it', async () => {
    const app = openConsole(fixtureService({ extraRepos: 10_000 }));
    await app.waitFor('of 10,004 repos');
    const frame = app.frame();
    expect(rowsOf(frame).length).toBeLessThanOrEqual(20);
    expect(frame).toMatch(/1-\d+ of 10,004/);
    app.press('G');
    const last = await app.waitFor(/9,9\d\d-10,004 of 10,004/);
    expect(lineWith(last, '▸')).toContain('tenor/giant-steps');
    const first = Number(/9,(9\d\d)-10,004 of 10,004/.exec(last)![1]);
    app.press(KEYS.pgup);
    expect(lineWith(await app.waitFor(`9,${first - 1}-10,003 of 10,004`), '▸')).toContain('owner-12/repo-12');
  });

  it('without colour (NO_COLOR) has no colour codes, and the selection still shows', async () => {
    const app = openConsole(fixtureService(), { color: false });
    await app.waitFor('4.1 MiB');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: it looks for an ANSI colour escape, which starts with ESC.
    expect(app.rawFrame()).not.toMatch(/\u001b\[3[0-9]m/);
    expect(lineWith(app.frame(), '▸')).toContain('lowend/blue-in-green');
  });

  it('says when the database connection is lost and retries with r', async () => {
    const app = openConsole(fixtureService({ listFailures: 1 }));
    const failed = await app.waitFor('Lost the database connection');
    expect(failed).toContain('ECONNREFUSED');
    expect(failed).toContain('Press r to retry');
    app.press('r');
    await app.waitFor('lowend/blue-in-green');
  });

  it('keeps every column at its width whatever a cell shows: spinners, numbers, errors', async () => {
    // At every width the row keeps its columns where the header has them.
    for (const columns of [72, 100, 120]) {
      const service = fixtureService({ holdEstimates: true });
      const app = openConsole(service, { columns });
      const waiting = await app.waitFor('tenor/giant-steps');
      const header = lineWith(waiting, 'REPO');
      const endOf = (line: string, text: string) => line.indexOf(text) + text.length;
      const caravan = lineWith(waiting, 'bigband/caravan');
      expect(caravan).toMatch(SPINNER);
      expect(caravan).not.toMatch(/\d[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]|[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]{2}|[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]\d/);
      // Every cell ends under its title's last letter, a spinner where the number will be.
      for (const title of ['ORPHAN C', 'ORPHAN OBJ', 'RECLAIMABLE', 'ESTIMATED']) {
        if (header.includes(title))
          expect(caravan[endOf(header, title) - 1], `${title} at ${columns}`).toMatch(SPINNER);
      }
      if (header.includes('LAST PUSH')) expect(endOf(caravan, '3d ago')).toBe(endOf(header, 'LAST PUSH'));
      if (header.includes('LAST GC')) expect(endOf(caravan, '2d ago')).toBe(endOf(header, 'LAST GC'));
      service.releaseEstimates();
      const filled = lineWith(await app.waitFor('512.0 KiB'), 'bigband/caravan');
      expect(endOf(filled, '512.0 KiB')).toBe(endOf(header, 'RECLAIMABLE'));
      app.unmount();
    }
  });
});
