import { parse } from 'graphql';
import { HEAP_BYTES_PER_SOURCE_CHAR, ParsedDocumentCache } from './parsed-document.cache';

describe('ParsedDocumentCache', () => {
  it('is bounded by estimated bytes, least recently used out first', () => {
    const q = (i: number) => `{ q${i}: me { id } }`; // 19-20 characters
    const cache = new ParsedDocumentCache(100 * 20 * HEAP_BYTES_PER_SOURCE_CHAR);
    for (let i = 0; i < 50; i++) cache.set(q(i), parse(q(i)));
    expect(cache.get(q(0))).toBeDefined(); // now the most recent
    for (let i = 50; i < 1000; i++) cache.set(q(i), parse(q(i)));
    expect(cache.heldBytes).toBeLessThanOrEqual(cache.maxBytes);
    expect(cache.size).toBeGreaterThan(90);
    expect(cache.size).toBeLessThanOrEqual((100 * 20) / 19);
    expect(cache.get(q(1))).toBeUndefined();
    expect(cache.get(q(999))).toBeDefined();
  });

  it('keeps nothing larger than its whole bound', () => {
    const cache = new ParsedDocumentCache(500);
    cache.set('{ me { id name roles communityIds } }', parse('{ me { id } }'));
    expect(cache.size).toBe(0);
  });
});
