import { parse, type OperationDefinitionNode } from 'graphql';
import { rateLimitedCalls } from '../support-rate-limit.plugin';
import { parseEnv } from '@plaza/shared';
import { gatewayEnvSchema } from '../../env';
import { explorerRoutes } from '../../explorer/explorer.routes';
import { jsonForScript } from '../screen.assets';

const op = (src: string) => parse(src).definitions[0] as OperationDefinitionNode;

describe('rateLimitedCalls', () => {
  it('counts every aliased call of a rate-limited root field, and nothing else', () => {
    expect(rateLimitedCalls(op('mutation { a: supportIssue(issueId: "1") { id } b: supportIssue(issueId: "2") { id } votePlan(planId: "p", stance: FOR) { id } }'))).toBe(3);
    expect(rateLimitedCalls(op('mutation { raiseIssue(input: {}) { id } }'))).toBe(0);
    expect(rateLimitedCalls(op('{ supportIssue }'))).toBe(0);
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
