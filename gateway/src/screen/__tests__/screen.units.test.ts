import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { rateLimitedCalls } from '../support-rate-limit.plugin';
import { parseEnv } from '@plaza/shared';
import { gatewayEnvSchema } from '../../env';
import { explorerRoutes } from '../../explorer/explorer.routes';
import { jsonForScript } from '../screen.assets';

const schema = buildSchema(`
  enum Stance { FOR AGAINST ABSTAIN }
  type Issue { id: ID! }
  type Plan { id: ID! }
  type Query { issue(id: ID!): Issue }
  type Mutation { supportIssue(issueId: ID!): Issue! withdrawSupport(issueId: ID!): Issue! votePlan(planId: ID!, stance: Stance!): Plan! raiseIssue(title: String): Issue! }
`);
const calls = (src: string, variables: Record<string, unknown> = {}) => {
  const document = parse(src);
  return rateLimitedCalls(schema, document, document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode, variables);
};

describe('rateLimitedCalls', () => {
  it('counts every aliased call of a rate-limited root field, and nothing else', () => {
    expect(calls('mutation { a: supportIssue(issueId: "1") { id } b: supportIssue(issueId: "2") { id } votePlan(planId: "p", stance: FOR) { id } }')).toBe(3);
    expect(calls('mutation { raiseIssue(title: "x") { id } }')).toBe(0);
    expect(calls('{ issue(id: "1") { id } }')).toBe(0);
  });

  it('counts the calls execution runs: through fragments, with @skip/@include decided by the variables', () => {
    expect(calls('mutation { ... on Mutation { supportIssue(issueId: "1") { id } } }')).toBe(1);
    expect(calls('mutation { ...F } fragment F on Mutation { a: supportIssue(issueId: "1") { id } b: withdrawSupport(issueId: "1") { id } }')).toBe(2);
    expect(calls('mutation($yes: Boolean!) { supportIssue(issueId: "1") @include(if: $yes) { id } }', { yes: true })).toBe(1);
    expect(calls('mutation($yes: Boolean!) { supportIssue(issueId: "1") @include(if: $yes) { id } }', { yes: false })).toBe(0);
    expect(calls('mutation { supportIssue(issueId: "1") @skip(if: false) { id } }')).toBe(1);
    expect(calls('mutation { supportIssue(issueId: "1") @skip(if: true) { id } }')).toBe(0);
    // One response key runs once, however often it is written.
    expect(calls('mutation { supportIssue(issueId: "1") { id } ... on Mutation { supportIssue(issueId: "1") { id } } }')).toBe(1);
    // Variables that do not coerce execute nothing.
    expect(calls('mutation($yes: Boolean!) { supportIssue(issueId: "1") @include(if: $yes) { id } }', { yes: 'maybe' })).toBe(0);
  });
});

describe('screen settings', () => {
  it('reads the screen settings with the gateway environment: empty is unset, a bad PLAZA_GRAPHIQL is named', () => {
    const env = parseEnv(gatewayEnvSchema, { PLAZA_SCREEN_TOKEN: '', PLAZA_PUBLIC_URL: '' });
    expect(env.PLAZA_SCREEN_TOKEN).toBeUndefined();
    expect(env.PLAZA_PUBLIC_URL).toBeUndefined();
    expect(() => parseEnv(gatewayEnvSchema, { PLAZA_GRAPHIQL: 'yes' })).toThrow(/PLAZA_GRAPHIQL/);
  });

  it('GraphiQL is off in production unless PLAZA_GRAPHIQL=1', () => {
    expect(Object.keys(explorerRoutes({ production: true }))).toEqual(['/graphiql']);
    expect(Object.keys(explorerRoutes({ production: false }))).toContain('/graphiql/explorer.js');
    expect(Object.keys(explorerRoutes({ enabled: true, production: true }))).toContain('/graphiql/explorer.js');
  });

  it('a value written into the page cannot close its script tag', () => {
    expect(jsonForScript({ t: '</script><script>alert(1)</script>' })).not.toContain('</script>');
  });
});
