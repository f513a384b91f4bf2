import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { fixtureService } from './fixture-service.js';
import { openConsole } from './harness.js';

afterEach(() => cleanup());

describe('the console opening', () => {
  it('says the repos are loading until it shows them: no frame flashes "No repos." or "0 of 0 repos" first', async () => {
    const app = openConsole(fixtureService());
    await app.waitFor('tenor/giant-steps');
    const frames = app.frames.map((drawn) => stripVTControlCharacters(drawn));
    expect(frames.some((frame) => frame.includes('loading repos…'))).toBe(true);
    expect(frames.filter((frame) => frame.includes('No repos.') || frame.includes(' 0 of 0 repos'))).toEqual([]);
  });
});
