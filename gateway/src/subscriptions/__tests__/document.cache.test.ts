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

  // Same length, so the same estimated size.
  const [a, b, c] = ['AAAA', 'BBBB', 'CCCC'].map((x) => `subscription { issueEvents(subdistrict: "${x}") { cursor } }`) as [string, string, string];

  it('holds at most its byte budget, least recently used out first', () => {
    const one = new DocumentCache(schema).get(a).bytes;
    const cache = new DocumentCache(schema, { budgetBytes: 2.5 * one });
    const first = cache.get(a);
    cache.get(b);
    cache.get(a); // touched: now the most recent
    cache.get(c);
    expect(cache.size).toBe(2);
    expect(cache.bytes).toBe(2 * one);
    expect(cache.get(a)).toBe(first);
  });

  it('keeps documents in use over unused ones when over budget, and never one larger than the budget', () => {
    const one = new DocumentCache(schema).get(a).bytes;
    const cache = new DocumentCache(schema, { budgetBytes: 2.5 * one });
    const used = cache.get(a);
    used.users++;
    const other = cache.get(b);
    cache.get(c); // over budget: the oldest unused one goes, not the older one in use
    expect(cache.get(a)).toBe(used);
    expect(cache.get(b)).not.toBe(other);
    const huge = `subscription { issueEvents(subdistrict: "${'x'.repeat(3 * one)}") { cursor } }`;
    expect(cache.get(huge).document).not.toBeNull();
    expect(cache.bytes).toBeLessThanOrEqual(2.5 * one);
    cache.release(used);
    expect(used.users).toBe(0);
  });

  it('refuses a document whose fragments expand exponentially before validating it, in milliseconds', () => {
    const frags = Array.from({ length: 20 }, (_, i) => `fragment F${i} on IssueEvent{...F${i + 1} ...F${i + 1}}`).join(' ');
    const q20 = `subscription{issueEvents{...F0}} ${frags} fragment F20 on IssueEvent{cursor}`;
    const t0 = performance.now();
    const r = new DocumentCache(schema).get(q20);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(r.document).toBeNull();
    expect(r.errors.map((e) => e.extensions.code)).toEqual(['QUERY_TOO_COMPLEX']);
  });
});
