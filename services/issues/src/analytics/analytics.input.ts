import { BadUserInputError, isUuid, type IssueCategory } from '@plaza/shared';
import { checkPeriod } from '@plaza/shared';
import type { Bucket } from './analytics.types';

export interface TrendArgs {
  bucket: Bucket;
  from: string;
  to: string;
  communityId?: string | null;
  category?: IssueCategory | null;
}

export function parseTrendArgs(a: TrendArgs): TrendArgs {
  const period = checkPeriod(a.from, a.to);
  // A filter, not a reference to resolve: a malformed id is the caller's mistake, said so.
  if (a.communityId != null && !isUuid(a.communityId)) throw new BadUserInputError('communityId', `communityId 不是有效的 ID (expected a community id, got ${JSON.stringify(a.communityId)})`);
  return { bucket: a.bucket, ...period, communityId: a.communityId?.toLowerCase() ?? null, category: a.category ?? null };
}

export const MAX_MIN_COMMUNITIES = 1000;

export function parseCommonIssuesArgs(a: { from: string; to: string; minCommunities?: number | null }) {
  const period = checkPeriod(a.from, a.to);
  const min = a.minCommunities ?? 3;
  if (!Number.isInteger(min) || min < 1 || min > MAX_MIN_COMMUNITIES) {
    throw new BadUserInputError('minCommunities', `minCommunities 须在 1 到 ${MAX_MIN_COMMUNITIES} 之间 (expected 1..${MAX_MIN_COMMUNITIES}, got ${min})`);
  }
  return { ...period, minCommunities: min };
}
