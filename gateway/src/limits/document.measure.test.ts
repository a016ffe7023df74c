import { buildSchema, parse } from 'graphql';
import { measureDocument } from './document.measure';
import { measureOperation } from './query-cost';

const schema = buildSchema(`
  type PageInfo { hasNextPage: Boolean! }
  type Issue { id: ID! title: String! community: Community! }
  type IssueEdge { node: Issue! }
  type IssueConnection { edges: [IssueEdge!]! pageInfo: PageInfo! totalCount: Int! }
  type Community { id: ID! name: String! issues(first: Int = 20): IssueConnection! grids: [Grid!]! }
  type Grid { id: ID! community: Community! }
  type Query { communities: [Community!]! community(id: ID!): Community }
`);

/** fragment F0 { ...F1 ...F1 } … F(n-1) { id name }: 2^(n-1) copies of the last fragment when expanded. */
export function explodingFragments(levels: number): string {
  let q = 'query { communities { ...F0 } }\n';
  for (let i = 0; i < levels - 1; i++) q += `fragment F${i} on Community { ...F${i + 1} ...F${i + 1} }\n`;
  return q + `fragment F${levels - 1} on Community { id name }\n`;
}

describe('measureDocument', () => {
  it('measures fragments once each: 20 levels of doubling (~800 bytes) in milliseconds, with the expanded cost', () => {
    const doc = parse(explodingFragments(20));
    const started = performance.now();
    const m = measureDocument(schema, doc);
    const ms = performance.now() - started;
    // communities (1) + 10 × (2^19 spreads × (id + name))
    expect(m.cost).toBe(1 + 10 * 2 ** 19 * 2);
    expect(m.depth).toBe(2);
    expect(ms).toBeLessThan(50);
  });

  it('counts aliases and directives inside fragments at every spread, as the expanded document has them', () => {
    const q = `query { ...A ...A community(id: "1") @include(if: true) { id } }
      fragment A on Query { x: community(id: "1") { n: name @skip(if: false) } }`;
    expect(measureDocument(schema, parse(q))).toEqual({ depth: 2, aliases: 4, directives: 3, cost: 2 * (1 + 1) + 1 + 1 });
  });

  it('counts aliased __typename (an alias bomb needs no real field)', () => {
    const q = `{ ${Array.from({ length: 40 }, (_, i) => `t${i}: __typename`).join(' ')} }`;
    expect(measureDocument(schema, parse(q))).toMatchObject({ aliases: 40, cost: 0 });
  });

  it("uses a left-out variable's default for first, as execution will", () => {
    const q = 'query($n: Int = 100) { communities { issues(first: $n) { edges { node { id } } } } }';
    const doc = parse(q);
    const byDefault = measureDocument(schema, doc);
    expect(byDefault.cost).toBe(1 + 10 * (1 + 100 * 3));
    expect(measureDocument(schema, doc, undefined, { n: 5 }).cost).toBe(1 + 10 * (1 + 5 * 3));
    // Cached per value of the variables that feed `first`, not once for all.
    expect(measureDocument(schema, doc, undefined, {}).cost).toBe(byDefault.cost);
    expect(measureDocument(schema, doc, undefined, { n: 5 })).toBe(measureDocument(schema, doc, undefined, { n: 5 }));
  });

  it('does not count introspection written in a fragment on the root type', () => {
    const q = '{ ...I communities { id } } fragment I on Query { __schema { types { name fields { name } } } }';
    expect(measureDocument(schema, parse(q)).cost).toBe(1 + 10);
  });

  it('computes once per document and operation', () => {
    const doc = parse('query A { communities { id } } query B { communities { grids { id } } }');
    const a = measureDocument(schema, doc, 'A');
    expect(measureDocument(schema, doc, 'A')).toBe(a);
    expect(measureDocument(schema, doc, 'B').cost).toBe(1 + 10 * (1 + 10));
    expect(measureDocument(schema, doc).cost).toBe(0); // ambiguous without a name: no operation runs
  });

  it('agrees with measureOperation on the figures both give', () => {
    const q = 'query { a: community(id: "1") { grids { community { name } } } b: communities { issues(first: 3) { totalCount } } }';
    const { depth, aliases, cost } = measureDocument(schema, parse(q));
    expect(measureOperation(schema, parse(q), undefined)).toEqual({ depth, aliases, cost });
  });
});
