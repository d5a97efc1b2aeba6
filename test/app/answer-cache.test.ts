import { describe, expect, it } from 'vitest';
import { AnswerCache } from '../../src-renderer/logic/answer-cache.js';
import { periodViewCells } from '../../src-renderer/logic/period.js';

describe('the window\'s cache of recent answers', () => {
  const weighed = () => new AnswerCache<number[]>(10, (value) => value.length);

  it('gives back what it keeps, by key, and nothing for a key never kept', () => {
    const cache = weighed();
    const whole = [1, 2, 3];
    cache.set('whole', whole);
    expect(cache.get('whole')).toBe(whole);
    expect(cache.get('by hour')).toBeUndefined();
    expect(cache.weight()).toBe(3);
  });

  it('drops the least recently used answers once the total weight passes the capacity', () => {
    const cache = weighed();
    cache.set('a', [1, 1, 1, 1]);
    cache.set('b', [2, 2, 2, 2]);
    // Reading a makes b the least recently used.
    expect(cache.get('a')).toEqual([1, 1, 1, 1]);
    cache.set('c', [3, 3, 3]);
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.weight()).toBe(7);
  });

  it('replaces an answer kept under the same key, and never keeps one heavier than the whole capacity', () => {
    const cache = weighed();
    cache.set('a', [1, 2]);
    cache.set('a', [1, 2, 3, 4, 5]);
    expect(cache.get('a')).toEqual([1, 2, 3, 4, 5]);
    expect(cache.weight()).toBe(5);
    cache.set('huge', new Array<number>(11).fill(0));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.keys()).toEqual(['a']);
    // A too-heavy answer under a kept key drops the old one rather than showing it for the new request.
    cache.set('a', new Array<number>(11).fill(0));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.weight()).toBe(0);
  });

  it('weighs a period view by the cells of its whole grid and every bucket\'s grid', () => {
    const grid = (cells: number) => new Array<number>(cells).fill(0);
    expect(periodViewCells({ whole: grid(6), buckets: [] })).toBe(6);
    const bucket = { startMs: 0, endMs: 1, start: '', frames: 1, detections: 0, personSeconds: 0, peakFrame: 0 };
    expect(periodViewCells({ whole: grid(6), buckets: [{ ...bucket, grid: grid(6) }, { ...bucket, grid: grid(6) }] })).toBe(18);
  });
});
