/** Merging listings: every page once, as it comes; a failure fails the merge and stops the rest. */
import { describe, expect, it } from 'vitest';
import { mergePages } from '../../src/storage/merge.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

async function* pages(name: string, count: number, closed: string[], failAt = -1): AsyncGenerator<string[]> {
  try {
    for (let i = 0; i < count; i++) {
      await tick();
      if (i === failAt) throw new Error(`${name} failed`);
      yield [`${name}${i}`];
    }
  } finally {
    closed.push(name);
  }
}

describe('mergePages', () => {
  it('yields every page of every source once, more sources than it reads at a time', async () => {
    const closed: string[] = [];
    const seen: string[] = [];
    for await (const page of mergePages(
      ['a', 'b', 'c', 'd'].map((name) => pages(name, 3, closed)),
      2,
    ))
      seen.push(...page);
    expect(seen.sort()).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2', 'c0', 'c1', 'c2', 'd0', 'd1', 'd2']);
    expect(closed.sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('fails with the first failure, after closing the sources in flight', async () => {
    const closed: string[] = [];
    const merged = (async () => {
      for await (const page of mergePages([pages('a', 50, closed), pages('b', 3, closed, 1)], 2)) void page;
    })();
    await expect(merged).rejects.toThrow('b failed');
    expect(closed.sort()).toEqual(['a', 'b']);
  });
});
