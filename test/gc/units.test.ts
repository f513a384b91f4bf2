/** The engine's pure parts: ids, manifests, durations, the in-memory walk, database URLs. */
import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl, redact } from '../../src/db/connect.js';
import { CommitGraph } from '../../src/gc/commit-graph.js';
import { formatDuration, parseDuration } from '../../src/gc/duration.js';
import { isCommitId, isObjectId, shortId } from '../../src/gc/ids.js';
import { readManifest } from '../../src/gc/manifest.js';

const objectId = (c: string) => `sha256:${c.repeat(64)}`;

describe('ids', () => {
  it('accept exactly MuseHub\'s shapes', () => {
    expect(isCommitId('a'.repeat(64))).toBe(true);
    expect(isCommitId('A'.repeat(64))).toBe(false);
    expect(isCommitId('a'.repeat(63))).toBe(false);
    expect(isObjectId(objectId('b'))).toBe(true);
    expect(isObjectId(`sha256:${'b'.repeat(63)}g`)).toBe(false);
    expect(isObjectId('b'.repeat(64))).toBe(false);
    expect(shortId(objectId('c'))).toBe('cccccccccccc');
  });
});

describe('manifests', () => {
  it('read a map of path to object id', () => {
    expect(readManifest(pack({ 'a.mid': objectId('a') }))).toEqual({ ok: true, entries: [['a.mid', objectId('a')]] });
    expect(readManifest(pack(new Map([['b.mid', objectId('b')]])))).toMatchObject({ ok: true });
  });

  it('prove nothing when missing, truncated, not a map, or naming an invalid id', () => {
    expect(readManifest(null)).toEqual({ ok: false, problem: 'has no manifest' });
    expect(readManifest(pack({ 'a.mid': objectId('a'), 'b.mid': objectId('b') }).subarray(0, 30)).ok).toBe(false);
    expect(readManifest(pack([objectId('a')]))).toMatchObject({ ok: false, problem: /not a map/ });
    expect(readManifest(pack({ 'a.mid': 42 }))).toMatchObject({ ok: false, problem: /invalid object id/ });
    const flipped = Buffer.from(pack({ 'a.mid': objectId('a') }));
    flipped[flipped.length - 1] = 0x47; // 'a' → 'G'
    expect(readManifest(flipped)).toMatchObject({ ok: false, problem: /invalid object id/ });
  });
});

describe('durations', () => {
  it('read what operators write and say it back', () => {
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('90m')).toBe(5400);
    expect(parseDuration('1.5h')).toBe(5400);
    expect(parseDuration('2d')).toBe(172800);
    expect(() => parseDuration('10')).toThrow(/needs a unit/);
    expect(() => parseDuration('soon')).toThrow(/cannot read the duration/);
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(0)).toBe('0s');
  });
});

describe('the commit walk', () => {
  it('marks what each level of roots reaches first, stops at missing parents, and resumes once rows arrive', () => {
    const graph = new CommitGraph();
    graph.add('c3', ['c2']);
    graph.add('c2', ['c1']);
    graph.add('side', ['c2', 'gone']);
    expect(graph.walk(['c3'], 1)).toEqual(['c1']);
    graph.add('c1', []);
    expect(graph.walk([], 1)).toEqual([]);
    expect(graph.walk(['side'], 2)).toEqual(['gone']);
    graph.markAbsent(['gone']);
    expect(graph.walk([], 2)).toEqual([]);
    expect(Object.fromEntries(graph.levels())).toEqual({ c3: 1, c2: 1, c1: 1, side: 2 });
  });
});

describe('database URLs', () => {
  it('say what is wrong with a malformed one, and never show a password', () => {
    expect(() => parseDatabaseUrl('not a url')).toThrow(/not a URL/);
    expect(() => parseDatabaseUrl('mysql://db/x')).toThrow(/postgres:\/\//);
    expect(redact('postgres://gc:secret@db:5432/musehub')).toBe('postgres://gc:***@db:5432/musehub');
    expect(parseDatabaseUrl('postgresql://gc@db/musehub').hostname).toBe('db');
  });
});
