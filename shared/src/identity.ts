import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { UnauthenticatedError } from './errors';
import { ANONYMOUS, ROLES, type Role, type Viewer } from './viewer';

/** Headers the gateway adds to every subgraph call. */
export const IDENTITY_HEADER = 'x-plaza-identity';
export const SIGNATURE_HEADER = 'x-plaza-signature';
export const TIMESTAMP_HEADER = 'x-plaza-timestamp';
export const REQUEST_ID_HEADER = 'x-request-id';

/** How long a signed identity stays valid; covers clock skew and a slow subgraph queue. Default 60 s. */
export const IDENTITY_TTL_MS = 60_000;

// One KeyObject per secret: jose would otherwise import the raw bytes on every verification.
const keys = new Map<string, KeyObject>();
const key = (secret: string): KeyObject => {
  let k = keys.get(secret);
  if (!k) keys.set(secret, (k = createSecretKey(Buffer.from(secret, 'utf8'))));
  return k;
};

function toViewer(claims: Record<string, unknown>): Viewer {
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is Role => ROLES.includes(r as Role)) : [];
  const communities = Array.isArray(claims.communities) ? claims.communities.map(String) : [];
  return {
    id: typeof claims.sub === 'string' ? claims.sub : null,
    name: typeof claims.name === 'string' ? claims.name : null,
    roles,
    communityIds: communities,
    exp: typeof claims.exp === 'number' ? claims.exp : undefined,
  };
}

const utf8 = new TextDecoder();
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// Protected header segment -> whether it is a plain `{ alg: 'HS256' }` header without `crit`.
// Clients send one or two distinct headers (every token we sign has the same), so this stays tiny;
// it is bounded anyway, since anyone may send any header.
const plainHeaders = new Map<string, boolean>();
const PLAIN_HEADERS_MAX = 64;

function isPlainHs256Header(segment: string): boolean {
  const known = plainHeaders.get(segment);
  if (known !== undefined) return known;
  let plain: boolean;
  try {
    const header: unknown = JSON.parse(utf8.decode(Buffer.from(segment, 'base64url')));
    plain = isPlainObject(header) && header.alg === 'HS256' && header.crit === undefined;
  } catch {
    plain = false;
  }
  if (plainHeaders.size >= PLAIN_HEADERS_MAX) plainHeaders.clear();
  plainHeaders.set(segment, plain);
  return plain;
}

/**
 * The claims of an HS256 JWT that jose's `jwtVerify(token, key, { algorithms: ['HS256'] })` would
 * accept, checked with one HMAC of node:crypto — or null for every token that is not plainly
 * valid (another alg, `crit`, a bad signature, a malformed or non-object payload, a non-numeric
 * iat, an nbf in the future, an expired exp), which jose then judges and words the error for.
 * Every step mirrors jose 5's: the same lenient base64url decoding, the same signed bytes, the
 * same claim checks at the same second. jose's own path cost ~5% of the gateway's CPU in a burst
 * of votes (promises, copies and a KeyObject lookup per token).
 */
export function verifiedHs256Claims(token: string, secretKey: KeyObject, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts as [string, string, string];
  if (!isPlainHs256Header(header)) return null;
  const expected = createHmac('sha256', secretKey).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(utf8.decode(Buffer.from(payload, 'base64url')));
  } catch {
    return null;
  }
  if (!isPlainObject(claims)) return null;
  if (claims.iat !== undefined && typeof claims.iat !== 'number') return null;
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > nowSeconds)) return null;
  if (claims.exp !== undefined && (typeof claims.exp !== 'number' || claims.exp <= nowSeconds)) return null;
  return claims;
}

/** Verifies a client's bearer JWT (HS256). A bad, expired or malformed token is UNAUTHENTICATED. */
export async function verifyToken(token: string, secret: string): Promise<Viewer> {
  try {
    // The plainly valid token (nearly every one) without jose; anything else as jose judges it.
    const payload = verifiedHs256Claims(token, key(secret)) ?? (await jwtVerify(token, key(secret), { algorithms: ['HS256'] })).payload;
    if (typeof payload.sub !== 'string' || !payload.sub) throw new Error('sub claim missing');
    return toViewer(payload as Record<string, unknown>);
  } catch (e) {
    throw new UnauthenticatedError(`令牌无效或已过期 (invalid or expired token: ${(e as Error).message})`);
  }
}

/** `Authorization` header value -> viewer; no header is anonymous. */
export async function viewerFromAuthorization(header: string | undefined | null, secret: string): Promise<Viewer> {
  if (!header) return ANONYMOUS;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!m) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
  return verifyToken(m[1]!, secret);
}

export interface TokenClaims {
  sub: string;
  name?: string;
  roles: Role[];
  communities?: string[];
  /** Lifetime, default 12 hours. */
  ttlSeconds?: number;
}

export function signToken(claims: TokenClaims, secret: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ name: claims.name ?? claims.sub, roles: claims.roles, communities: claims.communities ?? [] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.ttlSeconds ?? 12 * 3600))
    .sign(key(secret));
}

// The cached KeyObject: a string key is converted into a new one on every createHmac.
const hmac = (secret: string, payload: string) => createHmac('sha256', key(secret)).update(payload).digest('base64url');

/** Gateway side: the headers that carry `viewer` to a subgraph. */
export function signIdentity(viewer: Viewer, secret: string, now = Date.now()): Record<string, string> {
  const identity = Buffer.from(JSON.stringify(viewer)).toString('base64url');
  const ts = String(now);
  return { [IDENTITY_HEADER]: identity, [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: hmac(secret, `${identity}.${ts}`) };
}

/**
 * Subgraph side: the viewer from signed headers. Missing, forged or stale signatures are
 * UNAUTHENTICATED, so nobody can reach a subgraph except through the gateway.
 */
export function verifyIdentity(get: (name: string) => string | undefined | null, secret: string, now = Date.now()): Viewer {
  const identity = get(IDENTITY_HEADER);
  const ts = get(TIMESTAMP_HEADER);
  const sig = get(SIGNATURE_HEADER);
  if (!identity || !ts || !sig) throw new UnauthenticatedError('subgraphs answer only requests signed by the gateway');
  const expected = Buffer.from(hmac(secret, `${identity}.${ts}`));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new UnauthenticatedError('gateway signature does not match');
  }
  const at = Number(ts);
  if (!Number.isFinite(at) || Math.abs(now - at) > IDENTITY_TTL_MS) throw new UnauthenticatedError('gateway signature expired');
  try {
    return parseSigned(identity);
  } catch {
    throw new UnauthenticatedError('gateway identity is malformed');
  }
}

function parseSigned(identity: string): Viewer {
  const v = JSON.parse(Buffer.from(identity, 'base64url').toString('utf8')) as Viewer;
  return {
    id: typeof v.id === 'string' ? v.id : null,
    name: typeof v.name === 'string' ? v.name : null,
    roles: Array.isArray(v.roles) ? v.roles.filter((r) => ROLES.includes(r)) : [],
    communityIds: Array.isArray(v.communityIds) ? v.communityIds.map(String) : [],
    exp: typeof v.exp === 'number' ? v.exp : undefined,
  };
}
