import { createHmac, createSecretKey } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { signIdentity, signToken, verifiedHs256Claims, verifyIdentity, verifyToken } from '../src/identity';

const SECRET = 'identity-test-secret-0123456789abcdef';
const key = createSecretKey(Buffer.from(SECRET, 'utf8'));
const now = () => Math.floor(Date.now() / 1000);
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A token put together by hand: any header and claims, signed with `secret` (HS256 bytes). */
function forge(header: unknown, claims: unknown, secret = SECRET, mangle: (sig: string) => string = (s) => s): string {
  const signing = `${b64(header)}.${b64(claims)}`;
  return `${signing}.${mangle(createHmac('sha256', secret).update(signing).digest('base64url'))}`;
}

/** What verifyToken answered before it had a path of its own: jose alone, the error worded the same. */
async function joseOnly(token: string): Promise<unknown> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || !payload.sub) throw new Error('sub claim missing');
    return { viewer: payload.sub };
  } catch (e) {
    return { error: `令牌无效或已过期 (invalid or expired token: ${(e as Error).message})` };
  }
}
async function ours(token: string): Promise<unknown> {
  try {
    return { viewer: (await verifyToken(token, SECRET)).id };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const HS256 = { alg: 'HS256', typ: 'JWT' };
const base = () => ({ sub: 'u1', name: 'A', roles: ['RESIDENT'], communities: [], iat: now(), exp: now() + 3600 });

describe('verifyToken (HS256 through node:crypto, jose for everything else)', () => {
  const cases: [string, () => Promise<string> | string][] = [
    ['a token signToken made', () => signToken({ sub: 'u1', roles: ['RESIDENT'] }, SECRET)],
    ['no typ, no iat, no exp', () => forge({ alg: 'HS256' }, { sub: 'u1' })],
    ['nbf in the past', () => forge(HS256, { ...base(), nbf: now() - 10 })],
    ['nbf in the future', () => forge(HS256, { ...base(), nbf: now() + 60 })],
    ['nbf not a number', () => forge(HS256, { ...base(), nbf: '1' })],
    ['expired', () => forge(HS256, { ...base(), exp: now() - 1 })],
    ['expiring this very second', () => forge(HS256, { ...base(), exp: now() })],
    ['exp not a number', () => forge(HS256, { ...base(), exp: String(now() + 60) })],
    ['iat not a number', () => forge(HS256, { ...base(), iat: 'yesterday' })],
    ['iat in the future (jose does not mind)', () => forge(HS256, { ...base(), iat: now() + 3600 })],
    ['no sub', () => forge(HS256, { ...base(), sub: undefined })],
    ['an empty sub', () => forge(HS256, { ...base(), sub: '' })],
    ['signed with another secret', () => forge(HS256, base(), 'another-secret')],
    ['a signature one character off', () => forge(HS256, base(), SECRET, (s) => `${s.slice(0, -2)}${s.at(-2) === 'A' ? 'B' : 'A'}${s.at(-1)}`)],
    ['a truncated signature', () => forge(HS256, base(), SECRET, (s) => s.slice(0, -4))],
    ['a signature with padding (base64url decoding is lenient)', () => forge(HS256, base(), SECRET, (s) => `${s}=`)],
    ['no signature', () => `${b64(HS256)}.${b64(base())}.`],
    ['alg none', () => `${b64({ alg: 'none' })}.${b64(base())}.`],
    ['alg HS512', () => forge({ alg: 'HS512' }, base())],
    ['alg hs256 (case)', () => forge({ alg: 'hs256' }, base())],
    ['crit b64', () => forge({ alg: 'HS256', crit: ['b64'], b64: false }, base())],
    ['crit unknown', () => forge({ alg: 'HS256', crit: ['exp'] }, base())],
    ['b64 false without crit (ignored)', () => forge({ alg: 'HS256', b64: false }, base())],
    ['a header that is not JSON', () => forge('not json', base())],
    ['a header that is an array', () => forge(['HS256'], base())],
    ['claims that are not JSON', () => forge(HS256, 'not json')],
    ['claims that are an array', () => forge(HS256, [base()])],
    ['claims that are null', () => forge(HS256, null)],
    ['two parts', () => `${b64(HS256)}.${b64(base())}`],
    ['four parts', async () => `${await signToken({ sub: 'u1', roles: [] }, SECRET)}.x`],
    ['garbage', () => 'garbage'],
    ['empty', () => ''],
  ];

  it.each(cases)('answers %s exactly as jose alone did', async (_name, make) => {
    const token = await make();
    expect(await ours(token)).toEqual(await joseOnly(token));
  });

  it('takes the node:crypto path for a plainly valid token and leaves every other one to jose', async () => {
    const token = await signToken({ sub: 'u1', name: 'A', roles: ['RESIDENT'], communities: ['c1'] }, SECRET);
    expect(verifiedHs256Claims(token, key)).toEqual((await jwtVerify(token, key, { algorithms: ['HS256'] })).payload);
    const expired = forge(HS256, { ...base(), exp: now() - 1 });
    expect(verifiedHs256Claims(expired, key)).toBeNull();
    expect(verifiedHs256Claims(forge({ alg: 'HS512' }, base()), key)).toBeNull();
    expect(verifiedHs256Claims(forge(HS256, base(), 'another-secret'), key)).toBeNull();
    expect(verifiedHs256Claims(forge({ alg: 'HS256', crit: ['b64'], b64: false }, base()), key)).toBeNull();
  });

  it('judges exp and nbf at the second it is given, as jose does at its own', () => {
    const t = now();
    const token = forge(HS256, { ...base(), nbf: t + 10, exp: t + 20 });
    expect(verifiedHs256Claims(token, key, t + 9)).toBeNull();
    expect(verifiedHs256Claims(token, key, t + 10)).not.toBeNull();
    expect(verifiedHs256Claims(token, key, t + 19)).not.toBeNull();
    expect(verifiedHs256Claims(token, key, t + 20)).toBeNull();
  });

  it('a token signed by jose itself with other claims verifies to the same viewer', async () => {
    const token = await new SignJWT({ roles: ['STAFF', 'NOPE'], communities: ['c1', 2], name: 'B' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u2').setExpirationTime('1h').sign(key);
    expect(await verifyToken(token, SECRET)).toEqual({ id: 'u2', name: 'B', roles: ['STAFF'], communityIds: ['c1', '2'], exp: expect.any(Number) });
  });
});

describe('signIdentity / verifyIdentity (HMAC with the cached key)', () => {
  const viewer = { id: 'u1', name: 'A', roles: ['RESIDENT' as const], communityIds: ['c1'] };
  const at = 1_733_430_000_000;

  it('signs the same bytes as an HMAC keyed by the secret string, and verifies them', () => {
    const headers = signIdentity(viewer, SECRET, at);
    const identity = headers['x-plaza-identity']!;
    expect(headers['x-plaza-signature']).toBe(createHmac('sha256', SECRET).update(`${identity}.${at}`).digest('base64url'));
    expect(verifyIdentity((name) => headers[name], SECRET, at + 1000)).toEqual({ ...viewer, exp: undefined });
  });

  it('refuses a signature made with another secret', () => {
    const headers = signIdentity(viewer, 'another-secret', at);
    expect(() => verifyIdentity((name) => headers[name], SECRET, at)).toThrow('gateway signature does not match');
  });
});
