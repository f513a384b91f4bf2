/** The engine's pure parts: ids, parents, manifests, durations, the in-memory walk, database URLs. */
import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl, redact } from '../../src/db/connect.js';
import { CommitGraph } from '../../src/gc/commit-graph.js';
import { formatGrace, parseDuration } from '../../src/gc/duration.js';
import { isCommitId, isObjectId, readParents } from '../../src/gc/ids.js';
import { readManifest } from '../../src/gc/manifest.js';
import { shortId } from '../../src/present/units.js';

const objectId = (c: string) => `sha256:${c.repeat(64)}`;

describe('ids', () => {
  it("accept exactly MuseHub's shapes", () => {
    expect(isCommitId('a'.repeat(64))).toBe(true);
    expect(isCommitId('A'.repeat(64))).toBe(false);
    expect(isCommitId('a'.repeat(63))).toBe(false);
    expect(isObjectId(objectId('b'))).toBe(true);
    expect(isObjectId(`sha256:${'b'.repeat(63)}g`)).toBe(false);
    expect(isObjectId('b'.repeat(64))).toBe(false);
    expect(shortId(objectId('c'))).toBe('cccccccccccc');
    expect(shortId('d'.repeat(64))).toBe('dddddddddddd');
  });
});

describe('parent_ids', () => {
  const id = (c: string) => c.repeat(64);
  it('read as an array of commit ids, from JSON text or as the driver parsed it', () => {
    expect(readParents(`["${id('a')}", "${id('b')}"]`)).toEqual({ ok: true, parents: [id('a'), id('b')] });
    expect(readParents([id('c')])).toEqual({ ok: true, parents: [id('c')] });
    expect(readParents('[]')).toEqual({ ok: true, parents: [] });
  });

  it('are a problem, never "no parents", when they are anything else', () => {
    expect(readParents('42')).toMatchObject({ ok: false, problem: /the number 42, not an array/ });
    expect(readParents({ parent: id('a') })).toMatchObject({ ok: false, problem: /an object, not an array/ });
    expect(readParents([id('A')])).toMatchObject({ ok: false, problem: /not a commit id/ });
    expect(readParents(['abc'])).toMatchObject({ ok: false, problem: /"abc", not a commit id/ });
    expect(readParents([7])).toMatchObject({ ok: false, problem: /the number 7/ });
    expect(readParents('[oops')).toMatchObject({ ok: false, problem: /not JSON/ });
    expect(readParents(null)).toMatchObject({ ok: false, problem: /null/ });
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
    expect(parseDuration('1h30m')).toBe(5400);
    expect(formatGrace(5400)).toBe('1h30m');
    expect(formatGrace(90061)).toBe('1d1h1m1s');
    expect(parseDuration(formatGrace(90061))).toBe(90061);
    expect(formatGrace(0)).toBe('0s');
  });
});

describe('the commit walk', () => {
  it('marks what each level of roots reaches first, stops at missing parents, and resumes once rows arrive', () => {
    const [c1, c2, c3, side, gone] = ['1', '2', '3', '5', '9'].map((c) => c.repeat(64)) as [
      string,
      string,
      string,
      string,
      string,
    ];
    const graph = new CommitGraph();
    graph.add(c3, [c2]);
    graph.add(c2, [c1]);
    graph.add(side, [c2, gone]);
    expect(graph.walk([c3], 1)).toEqual([c1]);
    graph.add(c1, []);
    expect(graph.walk([], 1)).toEqual([]);
    expect(graph.walk([side], 2)).toEqual([gone]);
    graph.markAbsent([gone]);
    expect(graph.walk([], 2)).toEqual([]);
    expect([c3, c2, c1, side, gone].map((id) => graph.levelOf(id))).toEqual([1, 1, 1, 2, 2]);
    expect(graph.absentIds()).toEqual([gone]);
  });

  it('reads parent_ids from COPY bytes in the common shapes, and sends any other through the strict check', () => {
    const [a, b] = ['a', 'b'].map((c) => c.repeat(64)) as [string, string];
    const graph = new CommitGraph();
    const add = (id: string, parents: string) => {
      const text = new TextEncoder().encode(`${id}\t${parents}`);
      graph.addText(text, 0, 64, 65, text.length, () => parents);
    };
    add('1'.repeat(64), `["${a}", "${b}"]`);
    add('2'.repeat(64), `["${a}","${b}"]`);
    add('3'.repeat(64), `[ "${a}" ]`);
    add('4'.repeat(64), '[]');
    add('5'.repeat(64), `["${a.toUpperCase()}"]`);
    add('6'.repeat(64), '{"a": 1}');
    expect(
      graph.walk(
        ['1', '2', '3', '4'].map((c) => c.repeat(64)),
        1,
      ),
    ).toEqual([a, b]);
    expect([...graph.malformed.values()]).toEqual([
      expect.stringMatching(/not a commit id/),
      expect.stringMatching(/an object, not an array/),
    ]);
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
