import { checkQueryLimits, checkSource, countTokens } from './query-limits';
import { DEFAULT_QUERY_LIMITS } from './query-cost';

const codeOf = (f: () => void) => {
  try {
    f();
  } catch (e) {
    return (e as { extensions: Record<string, unknown> }).extensions;
  }
  return null;
};

describe('checkSource', () => {
  it('counts tokens no further than one past the limit, comments not counted', () => {
    expect(countTokens('{ a b c }', 100)).toBe(5);
    expect(countTokens('# a comment\n{ a }', 100)).toBe(3);
    expect(countTokens('{ ' + 'a '.repeat(1_000_000) + '}', 10)).toBe(11);
  });

  it('refuses over maxTokens with QUERY_TOO_COMPLEX and the figures, in bounded time', () => {
    const source = '{ ' + '__typename '.repeat(180_000) + '}'; // ~2 MB
    const started = performance.now();
    expect(codeOf(() => checkSource(source, { maxTokens: 1000, maxDocumentBytes: 4 * 1024 * 1024 }))).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      tokens: 1001,
      maxTokens: 1000,
      http: { status: 400 },
    });
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('refuses over maxDocumentBytes, counting UTF-8 bytes', () => {
    const chinese = `{ issue(id: "${'楼'.repeat(30_000)}") { id } }`; // 30,000 characters, 90,000 bytes
    expect(codeOf(() => checkSource(chinese, DEFAULT_QUERY_LIMITS))).toMatchObject({ code: 'QUERY_TOO_COMPLEX', bytes: Buffer.byteLength(chinese), maxBytes: 65_536 });
    expect(codeOf(() => checkSource('{ me { id } }', DEFAULT_QUERY_LIMITS))).toBeNull();
  });
});

describe('checkQueryLimits', () => {
  const ok = { depth: 12, aliases: 30, directives: 50, cost: 50_000 };
  it('passes at every limit and names the figure over one', () => {
    expect(codeOf(() => checkQueryLimits(ok, DEFAULT_QUERY_LIMITS))).toBeNull();
    expect(codeOf(() => checkQueryLimits({ ...ok, depth: 13 }, DEFAULT_QUERY_LIMITS))).toMatchObject({ code: 'QUERY_TOO_COMPLEX', depth: 13, maxDepth: 12 });
    expect(codeOf(() => checkQueryLimits({ ...ok, aliases: 31 }, DEFAULT_QUERY_LIMITS))).toMatchObject({ aliases: 31, maxAliases: 30 });
    expect(codeOf(() => checkQueryLimits({ ...ok, directives: 51 }, DEFAULT_QUERY_LIMITS))).toMatchObject({ directives: 51, maxDirectives: 50 });
    expect(codeOf(() => checkQueryLimits({ ...ok, cost: 50_001 }, DEFAULT_QUERY_LIMITS))).toMatchObject({ cost: 50_001, limit: 50_000 });
  });
});
