import { isUuid } from '@plaza/shared';

/**
 * The three kinds of scope, identical in every subgraph: "city" is everything, a UUID is one
 * community, anything else is a subdistrict name.
 */
export type Scope = { kind: 'city' } | { kind: 'community'; communityId: string } | { kind: 'subdistrict'; subdistrict: string };

export function parseScope(scope: string): Scope {
  if (scope === 'city') return { kind: 'city' };
  if (isUuid(scope)) return { kind: 'community', communityId: scope.toLowerCase() };
  return { kind: 'subdistrict', subdistrict: scope };
}

/** The scope as the two nullable SQL parameters the aggregate statements filter on. */
export function scopeParams(s: Scope): [communityId: string | null, subdistrict: string | null] {
  return [s.kind === 'community' ? s.communityId : null, s.kind === 'subdistrict' ? s.subdistrict : null];
}

/**
 * A predicate on `alias.community_id` for the scope held in the SQL expressions `community` (uuid)
 * and `subdistrict` (text); both NULL means the whole city. Sessions owns the communities, so a
 * subdistrict resolves through its own community table.
 */
export function scopePredicate(alias: string, community: string, subdistrict: string): string {
  return `(${community} IS NULL OR ${alias}.community_id = ${community})
      AND (${subdistrict} IS NULL OR ${alias}.community_id IN (SELECT c.id FROM sessions.community c WHERE c.subdistrict = ${subdistrict}))`;
}
