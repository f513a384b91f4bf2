/** Did-you-mean: the distance, and which names are near enough to offer. */
import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearest } from '../src/suggest.js';

describe('suggestions', () => {
  it('counts a swapped pair of letters, a dropped one and an extra one as one slip each', () => {
    expect(editDistance('plna', 'plan')).toBe(1);
    expect(editDistance('jsn', 'json')).toBe(1);
    expect(editDistance('dryrun', 'dry-run')).toBe(1);
    expect(editDistance('plan', 'plan')).toBe(0);
    expect(editDistance('', 'run')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('offers the names within a third of the word, nearest first, case aside, three at most', () => {
    const commands = ['repos', 'plan', 'why', 'run', 'history', 'resume', 'check', 'sweep', 'demo'];
    expect(nearest('plna', commands)).toEqual(['plan']);
    expect(nearest('RUN', commands)).toEqual(['run']);
    expect(nearest('collect', commands)).toEqual([]);
    expect(
      nearest('lowend/blue-in-gren', ['keystrio/blue-in-green', 'lowend/blue-in-green', 'bigband/caravan']),
    ).toEqual(['lowend/blue-in-green']);
    expect(nearest('repo-1', ['repo-2', 'repo-3', 'repo-4', 'repo-5', 'repo-10'])).toEqual([
      'repo-10',
      'repo-2',
      'repo-3',
    ]);
  });

  it('says nothing when nothing is near, else one name or a list', () => {
    expect(didYouMean([])).toBe('');
    expect(didYouMean(['plan'])).toBe(': did you mean plan?');
    expect(didYouMean(['a/x', 'b/x', 'c/x'])).toBe(': did you mean a/x, b/x or c/x?');
  });
});
