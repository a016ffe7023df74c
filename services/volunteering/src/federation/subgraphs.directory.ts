import { isUuid, SubgraphClient } from '@plaza/shared';

export interface CommunityInfo {
  id: string;
  subdistrict: string;
}

/** A session or an issue, with the community it belongs to. */
export interface CommunityOwned {
  id: string;
  communityId: string;
}

/**
 * Lookups of ids owned by other subgraphs, used to validate mutation input. An interface so
 * tests can stand in for a subgraph that is not running; null means "no such id".
 */
export interface ForeignDirectory {
  community(id: string): Promise<CommunityInfo | null>;
  session(id: string): Promise<CommunityOwned | null>;
  issue(id: string): Promise<CommunityOwned | null>;
}

interface WithCommunity {
  id: string;
  community: { id: string } | null;
}

const owned = (e: WithCommunity | null): CommunityOwned | null => (e?.community ? { id: e.id, communityId: e.community.id } : null);

/** Reads the sessions and issues subgraphs through `_entities`, signed like the gateway. */
export class SubgraphDirectory implements ForeignDirectory {
  constructor(
    private readonly sessions: SubgraphClient,
    private readonly issues: SubgraphClient,
  ) {}

  static fromUrls(urls: { sessionsUrl: string; issuesUrl: string }, gatewaySecret: string): SubgraphDirectory {
    return new SubgraphDirectory(new SubgraphClient(urls.sessionsUrl, gatewaySecret, 'volunteering'), new SubgraphClient(urls.issuesUrl, gatewaySecret, 'volunteering'));
  }

  async community(id: string): Promise<CommunityInfo | null> {
    if (!isUuid(id)) return null;
    return this.sessions.entity<CommunityInfo>('Community', id, 'id subdistrict');
  }

  async session(id: string): Promise<CommunityOwned | null> {
    if (!isUuid(id)) return null;
    return owned(await this.sessions.entity<WithCommunity>('Session', id, 'id community { id }'));
  }

  async issue(id: string): Promise<CommunityOwned | null> {
    if (!isUuid(id)) return null;
    return owned(await this.issues.entity<WithCommunity>('Issue', id, 'id community { id }'));
  }
}
