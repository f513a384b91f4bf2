/** Packed id sets: what the plan carries, a million of each kind. */
import { describe, expect, it } from 'vitest';
import { IdIndex, IdList } from '../../src/gc/packed-ids.js';

const hex = (n: number) => n.toString(16).padStart(64, '0');
const object = (n: number) => `sha256:${hex(n)}`;
const uuid = (n: number) => {
  const h = n.toString(16).padStart(32, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

describe('IdList', () => {
  it('gives back every id it was given, of each shape, odd ones too, in order', () => {
    for (const [shape, make] of [
      ['hex', hex],
      ['sha256', object],
      ['uuid', uuid],
    ] as const) {
      const ids = [...Array.from({ length: 2500 }, (_, i) => make(i * 7919)), 'not-an-id', 'UPPER'];
      const list = IdList.of(shape, ids);
      expect(list.size).toBe(ids.length);
      expect([...list].sort()).toEqual([...ids].sort());
      expect([...list.chunks(1000)].map((chunk) => chunk.length)).toEqual([1000, 1000, 502]);
    }
  });

  it('survives its encoding, and refuses bytes that are not whole ids', () => {
    const list = IdList.of('sha256', [object(1), object(2), 'odd']);
    const { packed, odd } = list.encode();
    expect([...IdList.decode('sha256', packed, odd)]).toEqual([object(1), object(2), 'odd']);
    expect(() => IdList.decode('sha256', packed.subarray(1), odd)).toThrow(/not whole sha256 ids/);
  });
});

describe('IdIndex', () => {
  it('numbers ids densely and finds them again, after growing from nothing', () => {
    const index = IdIndex.of(new IdList('hex'));
    const numbers = Array.from({ length: 5000 }, (_, i) => index.add(hex(i)));
    expect(numbers).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(index.add(hex(42))).toBe(42);
    expect(index.indexOf(hex(4999))).toBe(4999);
    expect(index.indexOf(hex(5000))).toBe(-1);
    expect(index.add('odd one')).toBe(5000);
    expect(index.idOf(5000)).toBe('odd one');
    expect(index.isOdd(5000)).toBe(true);
    expect(index.idOf(7)).toBe(hex(7));
  });

  it('tells whether another set holds an id, packed or odd', () => {
    const mine = IdIndex.of(IdList.of('uuid', [uuid(1), uuid(2), 'odd']));
    const theirs = IdIndex.of(IdList.of('uuid', [uuid(2), 'odd']));
    expect([0, 1, 2].map((number) => mine.heldBy(number, theirs))).toEqual([false, true, true]);
  });
});
