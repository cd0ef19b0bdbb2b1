import { describe, expect, it } from 'vitest';
import { SeededRng, StreamRng } from '../../../core/random/rng.ts';

const draws = (r: { next(): number }, n: number): number[] =>
  Array.from({ length: n }, () => r.next());

describe('seeded generators', () => {
  it('gives the same numbers and UUID v4 ids for the same seed, different ones for another', () => {
    expect(draws(new SeededRng(7), 5)).toEqual(draws(new SeededRng(7), 5));
    expect(draws(new SeededRng(7), 5)).not.toEqual(draws(new SeededRng(8), 5));
    const id = new SeededRng(7).uuid4();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new SeededRng(7).uuid4()).toBe(id);
  });

  it('derives a stream per label that does not depend on what other streams drew', () => {
    const a = new SeededRng(42);
    const b = new SeededRng(42);
    draws(a, 100); // the parent drew a lot; the derived stream does not care
    expect(draws(a.derive('arrivals[0].gaps'), 5)).toEqual(draws(b.derive('arrivals[0].gaps'), 5));
    expect(draws(b.derive('arrivals[0].gaps'), 5)).not.toEqual(
      draws(b.derive('arrivals[1].gaps'), 5),
    );
    expect(draws(new SeededRng(43).derive('ids'), 5)).not.toEqual(draws(b.derive('ids'), 5));
  });

  it('routes ids to the stream a send names, everything else to the main stream', () => {
    const main = new SeededRng(1);
    const r = new StreamRng(main, new SeededRng(2));
    const arrivals = new SeededRng(3);
    const expected = new SeededRng(3).uuid4();
    expect(r.withIds(arrivals, () => r.uuid4())).toBe(expected);
    expect(r.uuid4()).toBe(new SeededRng(2).uuid4());
    expect(r.next()).toBe(new SeededRng(1).next());
  });
});
