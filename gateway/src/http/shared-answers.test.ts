import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import { answerKey, InflightAnswers } from './shared-answers';

const complete = (s: string): HTTPGraphQLResponse => ({ status: 200, headers: new HeaderMap([['content-type', 'application/json']]), body: { kind: 'complete', string: s } });
const later = <T>(value: () => T, ms = 5) => new Promise<T>((resolve) => setTimeout(() => resolve(value()), ms));

describe('InflightAnswers', () => {
  it('runs once for requests that join while the first is in flight, then keeps nothing', async () => {
    let shared = 0;
    const answers = new InflightAnswers(() => shared++);
    let runs = 0;
    const run = () => later(() => complete(`{"n":${++runs}}`));
    const all = await Promise.all([answers.answer('k', run), answers.answer('k', run), answers.answer('k', run)]);
    expect(all.map((r) => (r.body.kind === 'complete' ? r.body.string : null))).toEqual(['{"n":1}', '{"n":1}', '{"n":1}']);
    expect([runs, shared, answers.size]).toEqual([1, 2, 0]);
    // Each copy has headers of its own: shaping one answer leaves the others as they were.
    all[1]!.headers.set('content-type', 'application/graphql-response+json');
    expect(all[2]!.headers.get('content-type')).toBe('application/json');
    await answers.answer('k', run); // after: runs again
    expect(runs).toBe(2);
  });

  it('a first run that throws, or streams its answer, is shared with nobody: the others run on their own', async () => {
    const answers = new InflightAnswers();
    let runs = 0;
    const failing = answers.answer('f', () => later(() => (runs++, Promise.reject(new Error('boom'))) as never));
    const joined = answers.answer('f', () => later(() => (runs++, complete('{}'))));
    await expect(failing).rejects.toThrow('boom');
    expect((await joined).body).toEqual({ kind: 'complete', string: '{}' });
    expect(runs).toBe(2);

    const streamed: HTTPGraphQLResponse = { status: 200, headers: new HeaderMap(), body: { kind: 'chunked', asyncIterator: (async function* () {})() } };
    let ran = 0;
    const first = answers.answer('s', () => later(() => (ran++, streamed)));
    const second = answers.answer('s', () => later(() => (ran++, complete('{"own":true}'))));
    expect(await first).toBe(streamed);
    expect((await second).body).toEqual({ kind: 'complete', string: '{"own":true}' });
    expect([ran, answers.size]).toEqual([2, 0]);
  });

  it('a null key never shares', async () => {
    const answers = new InflightAnswers();
    let runs = 0;
    await Promise.all([answers.answer(null, () => later(() => (runs++, complete('{}')))), answers.answer(null, () => later(() => (runs++, complete('{}'))))]);
    expect(runs).toBe(2);
  });
});

describe('answerKey', () => {
  it('tells viewers, headers and operations apart', () => {
    const body = { query: '{ me { id } }', variables: { a: 1 } };
    const key = answerKey({ id: 'a' }, 'application/json', 'application/json', body);
    expect(answerKey({ id: 'b' }, 'application/json', 'application/json', body)).not.toBe(key);
    expect(answerKey({ id: 'a' }, 'application/graphql-response+json', 'application/json', body)).not.toBe(key);
    expect(answerKey({ id: 'a' }, 'application/json', 'application/json', { ...body, variables: { a: 2 } })).not.toBe(key);
    expect(answerKey({ id: 'a' }, 'application/json', 'application/json', { ...body })).toBe(key);
    // Variables that are not an object (Apollo refuses them) never share with `{}` or none.
    const q = { query: '{ me { id } }' };
    expect(new Set([answerKey(null, '', '', { ...q, variables: 'abc' }), answerKey(null, '', '', { ...q, variables: {} }), answerKey(null, '', '', q)]).size).toBe(3);
  });

  it('is null for variables too deep to serialise (they run alone, no 500)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(answerKey(null, undefined, undefined, { query: '{ __typename }', variables: { v: deep } })).toBeNull();
  });
});
