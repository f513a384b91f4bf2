/**
 * `/` and n/N in every list (less, vim, lazygit): the field, Enter to the first match from the
 * cursor, n and N round the ends, the match underlined so that it shows without colour, and the
 * hint bar and `?` drawn from the keymap saying so.
 */
import { afterEach, describe, expect, it } from 'vitest';

// Ink draws underline only where chalk finds a terminal that shows it: this file's terminal does, as a
// person's does. Set before the console is imported, which loads chalk.
process.env.FORCE_COLOR = '1';
const { fixtureService } = await import('./fixture-service.js');
const { cleanup, KEYS, lineWith, openConsole, typeAndSubmit } = await import('./harness.js');

afterEach(() => cleanup());

const cursorRow = (frame: string) => lineWith(frame, '▸');
// biome-ignore lint/suspicious/noControlCharactersInRegex: an underlined run of text starts with ESC [4m.
const UNDERLINED = /\u001b\[4m/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a colour starts with ESC [3x.
const COLOURED = /\u001b\[3[0-9]m/;

async function openGraph(options: Parameters<typeof openConsole>[1] = {}) {
  const app = openConsole(fixtureService(), options);
  await app.waitFor('4.1 MiB');
  app.press(KEYS.enter);
  await app.waitFor('Bass line, take 7');
  return app;
}

describe('search in the graph', () => {
  it("jumps to a commit by its id's first characters, says the match, and Esc clears the search", async () => {
    const app = await openGraph({ color: false });
    expect(app.frame().split('\n').at(-1)).toContain('/ search');
    app.press('/');
    const typing = await app.waitFor((frame) => frame.split('\n').at(-1)!.includes('enter find'));
    expect(typing.split('\n').at(-1)).toContain('esc cancel');
    await typeAndSubmit(app, 'e13c', '/');
    const found = await app.waitFor('/e13c: match 1 of 1');
    expect(cursorRow(found)).toContain('e13c5d000000 Bass line, take 6');
    // Underlined, not coloured: the match shows with NO_COLOR.
    expect(app.rawFrame()).toMatch(UNDERLINED);
    expect(app.rawFrame()).not.toMatch(COLOURED);
    app.press(KEYS.esc);
    const cleared = await app.waitFor((frame) => !frame.includes('/e13c'));
    expect(cursorRow(cleared)).toContain('e13c5d0');
    expect(cleared).toContain('› Graph');
    // With no search kept, Esc goes back as before.
    app.press(KEYS.esc);
    await app.waitFor('sorted by reclaimable bytes');
  });

  it('goes on to the next and previous match with n and N, round the ends; says when nothing matches', async () => {
    const app = await openGraph();
    app.press('n');
    await app.waitFor('No search yet: / searches the list.');
    app.press('/');
    await typeAndSubmit(app, 'BASS LINE', '/');
    // The cursor's own row matches: Enter stays there.
    const first = await app.waitFor(/\/BASS LINE: match 1 of \d+/);
    const matches = Number(/match 1 of (\d+)/.exec(first)![1]);
    expect(matches).toBeGreaterThan(2);
    expect(cursorRow(first)).toContain('a91f03e');
    app.press('n');
    const second = await app.waitFor('match 2 of');
    expect(cursorRow(second)).toContain('Bass line');
    expect(cursorRow(second)).not.toContain('a91f03e');
    app.press('NN');
    const last = await app.waitFor(`match ${matches} of ${matches}`);
    expect(cursorRow(last)).toContain('Bass line');
    app.press('n');
    expect(cursorRow(await app.waitFor(`match 1 of ${matches}`))).toContain('a91f03e');
    app.press('/');
    await typeAndSubmit(app, 'no such words', '/');
    const none = await app.waitFor('/no such words: no match');
    expect(cursorRow(none)).toContain('a91f03e');
  });

  it('? lists the search keys of the screen, from the keymap', async () => {
    const app = await openGraph({ rows: 60 });
    app.press('?');
    const help = await app.waitFor('Keys of the graph screen');
    expect(help).toMatch(/\/ +search the list/);
    expect(help).toMatch(/n +go to the next match of the search/);
    expect(help).toMatch(/N +go to the previous match of the search/);
  });
});

describe('search in the other lists', () => {
  it("the preview: finds an item of the chosen phase's list by its path and moves the keys to the list", async () => {
    const app = await openGraph();
    app.press('2');
    await app.waitFor('KEPT, AND WHY');
    app.press('jjj/');
    await typeAndSubmit(app, 'take6.wav', '/');
    const found = await app.waitFor('/take6.wav: match 1 of 1');
    expect(lineWith(found, 'bass/take6.wav')).toMatch(/^▸ /);
    expect(found).not.toContain('(enter to scroll the list)');
  });

  it('history: finds a run by who ran it', async () => {
    const app = await openGraph({ columns: 120 });
    app.press('3');
    await app.waitFor('STARTED');
    app.press('/');
    await typeAndSubmit(app, 'cron', '/');
    const found = await app.waitFor('/cron: match 1 of 1');
    expect(cursorRow(found)).toContain('cron');
  });

  it("a commit's details: finds a file among its lines", async () => {
    const app = await openGraph();
    app.press(`jjjj${KEYS.enter}`);
    await app.waitFor('files (2)');
    app.press('/');
    await typeAndSubmit(app, 'comping.wav', '/');
    await app.waitFor('/comping.wav: match 1 of 1');
    expect(app.rawFrame()).toMatch(UNDERLINED);
  });

  it('the check of every repo: finds a repo by name, and Enter then opens it', async () => {
    const app = openConsole(fixtureService(), { rows: 30 });
    await app.waitFor('4.1 MiB');
    app.press('c');
    await app.waitFor('checked 4 repos of fixture demo hub');
    app.press('/');
    await typeAndSubmit(app, 'caravan', '/');
    expect(cursorRow(await app.waitFor('/caravan: match 1 of 1'))).toContain('bigband/caravan');
    app.press(KEYS.enter);
    await app.waitFor('Repos › Check all › bigband/caravan › Check');
  });
});
