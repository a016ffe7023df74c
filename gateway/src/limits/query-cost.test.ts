import { buildSchema, parse } from 'graphql';
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

const measure = (q: string, variables = {}) => measureOperation(schema, parse(q), undefined, variables, 10);

describe('measureOperation', () => {
  it('counts a flat query as its fields', () => {
    expect(measure('{ community(id: "1") { id name } }')).toEqual({ depth: 2, aliases: 0, cost: 3 });
  });

  it('multiplies a connection by first (argument, variable or default) and a plain list by the default size', () => {
    const byArg = measure('{ community(id: "1") { issues(first: 50) { edges { node { id } } } } }');
    const byVar = measure('query($n: Int) { community(id: "1") { issues(first: $n) { edges { node { id } } } } }', { n: 50 });
    const byDefault = measure('{ community(id: "1") { issues { edges { node { id } } } } }');
    expect(byArg.cost).toBe(byVar.cost);
    expect(byArg.cost).toBeGreaterThan(byDefault.cost);
    // community(1) + issues(1) + 50 × (edges 1 + node 1 + id 1): edges are bounded by first
    expect(byArg.cost).toBe(1 + 1 + 50 * (1 + 1 + 1));
    expect(measure('{ communities { grids { id } } }').cost).toBe(1 + 10 * (1 + 10 * 1));
  });

  it('sees through fragments and counts aliases and depth', () => {
    const q = `query { a: community(id: "1") { ...C } b: community(id: "2") { ...C } }
      fragment C on Community { grids { community { grids { community { name } } } } }`;
    const m = measure(q);
    expect(m.aliases).toBe(2);
    expect(m.depth).toBe(6);
  });

  it('grows geometrically for a nested-list bomb', () => {
    const bomb = '{ communities { issues(first: 100) { edges { node { community { issues(first: 100) { edges { node { id } } } } } } } } }';
    expect(measure(bomb).cost).toBeGreaterThan(200_000);
  });

  it('does not count introspection', () => {
    expect(measure('{ __schema { types { name fields { name type { ofType { ofType { name } } } } } } }').cost).toBe(0);
  });
});
