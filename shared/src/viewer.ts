import { ForbiddenError, UnauthenticatedError } from './errors';

export const ROLES = ['RESIDENT', 'STAFF', 'ANALYST', 'SCREEN', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** The verified caller, as every resolver sees it. Anonymous callers have no id and no roles. */
export interface Viewer {
  id: string | null;
  name: string | null;
  roles: Role[];
  communityIds: string[];
  /** Token expiry (seconds since epoch), when known; subscriptions end at it. */
  exp?: number;
}

export const ANONYMOUS: Viewer = Object.freeze({ id: null, name: null, roles: [], communityIds: [] }) as Viewer;

export const hasRole = (v: Viewer, ...roles: Role[]) => roles.some((r) => v.roles.includes(r));
export const isAdmin = (v: Viewer) => v.roles.includes('ADMIN');

/** STAFF of this community, or ADMIN. */
export const isStaffOf = (v: Viewer, communityId: string) => isAdmin(v) || (v.roles.includes('STAFF') && v.communityIds.includes(communityId));

export function requireSignedIn(v: Viewer): asserts v is Viewer & { id: string } {
  if (!v.id) throw new UnauthenticatedError();
}

/** Passes ADMIN always; otherwise one of `roles`. */
export function requireRole(v: Viewer, ...roles: Role[]): void {
  requireSignedIn(v);
  if (!isAdmin(v) && !hasRole(v, ...roles)) {
    throw new ForbiddenError(`需要角色 ${roles.join(' 或 ')} (requires ${roles.join(' or ')})`);
  }
}

export function requireStaffOf(v: Viewer, communityId: string): void {
  requireSignedIn(v);
  if (!isStaffOf(v, communityId)) {
    throw new ForbiddenError(`仅限该社区工作人员 (requires STAFF of community ${communityId})`);
  }
}

/** RESIDENT (anywhere) or STAFF of the community. */
export function requireResidentOrStaffOf(v: Viewer, communityId: string): void {
  requireSignedIn(v);
  if (v.roles.includes('RESIDENT') || isStaffOf(v, communityId)) return;
  throw new ForbiddenError(`需要居民或该社区工作人员身份 (requires RESIDENT, or STAFF of community ${communityId})`);
}
