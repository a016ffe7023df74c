import { pathAndSearch } from '../src/http';

describe('pathAndSearch', () => {
  it.each([
    undefined,
    '/',
    '/graphql',
    '/export/issues.csv',
    '/metrics/subscriptions',
    '/a_b-c/D9/',
    '/a//b',
    '/graphql?query=%7B__typename%7D',
    '/graphql?',
    '/graphql#x',
    '//evil.example/graphql',
    '/./graphql',
    '/x/../graphql',
    '/gr%61phql',
    '/graph ql',
    '/\\graphql',
    '/graphql\\',
    '/图',
    'graphql',
    '*',
    'http://other.example/graphql?x=1',
  ])('%s: the pathname and search URL parsing gives', (target) => {
    const url = new URL(target ?? '/', 'http://localhost');
    expect(pathAndSearch(target)).toEqual({ pathname: url.pathname, search: url.search });
  });
});
