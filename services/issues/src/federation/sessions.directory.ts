import { SubgraphClient } from '@plaza/shared';

export interface CommunityInfo {
  id: string;
  subdistrict: string;
}
export interface Placed {
  id: string;
  community: { id: string };
}

/** What the issues subgraph needs to know of the sessions subgraph's entities, read via `_entities`. */
export class SessionsDirectory {
  private readonly client: SubgraphClient;

  constructor(url: string, gatewaySecret: string) {
    this.client = new SubgraphClient(url, gatewaySecret, 'issues');
  }

  community(id: string) {
    return this.client.entity<CommunityInfo>('Community', id, 'id subdistrict');
  }

  grid(id: string) {
    return this.client.entity<Placed>('Grid', id, 'id community { id }');
  }

  session(id: string) {
    return this.client.entity<Placed>('Session', id, 'id community { id }');
  }
}
