import { DocumentCache } from '../document.cache';
import { schema } from './stand-in';

describe('DocumentCache', () => {
  const q = 'subscription { issueEvents { cursor issue { title } } }';

  it('parses and validates a query text once; every later subscriber gets the same document and text', () => {
    const cache = new DocumentCache(schema);
    const a = cache.get(q);
    const b = cache.get(`${q}`.slice(0)); // an equal string, as each socket's JSON.parse makes
    expect(a.errors).toEqual([]);
    expect(b).toBe(a);
    expect(b.document).toBe(a.document);
    expect(a.document!.loc).toBeUndefined(); // kept without locations and tokens
  });

  it('reports parse and validation errors with codes and positions', () => {
    const cache = new DocumentCache(schema);
    expect(cache.get('subscription {').errors.map((e) => e.extensions.code)).toEqual(['GRAPHQL_PARSE_FAILED']);
    const invalid = cache.get('subscription { issueEvents { nope } }');
    expect(invalid.document).toBeNull();
    expect(invalid.errors.map((e) => [e.extensions.code, e.locations])).toEqual([['GRAPHQL_VALIDATION_FAILED', [{ line: 1, column: 30 }]]]);
  });

  it('holds at most its limit, least recently used out first', () => {
    const cache = new DocumentCache(schema, 2);
    const first = cache.get(q);
    cache.get('subscription { sessionEvents { cursor } }');
    cache.get(q); // touched: now the most recent
    cache.get('subscription { voteTallies { cursor } }');
    expect(cache.size).toBe(2);
    expect(cache.get(q)).toBe(first);
  });
});
