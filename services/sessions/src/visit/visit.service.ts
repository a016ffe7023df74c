import { BadUserInputError, NotFoundError, requireSignedIn, requireStaffOf, type Viewer } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import type { CommunityService } from '../community/community.service';
import { Grid } from '../community/grid.entity';
import { Visit } from './visit.entity';
import { parseRecordVisit, type RecordVisitInput } from './visit.input';

export class VisitService {
  constructor(
    private readonly ds: DataSource,
    private readonly communities: CommunityService,
  ) {}

  /** STAFF of the community. A visit changes no session or topic, so it writes no event. */
  async record(viewer: Viewer, input: RecordVisitInput): Promise<Visit> {
    requireSignedIn(viewer);
    const data = parseRecordVisit(input);
    requireStaffOf(viewer, data.communityId);
    await this.communities.require(data.communityId, 'input.communityId');
    if (data.gridId) {
      const grid = await this.ds.getRepository(Grid).findOneBy({ id: data.gridId });
      if (!grid) throw new NotFoundError('Grid', data.gridId, 'input.gridId');
      if (grid.communityId !== data.communityId) throw new BadUserInputError('input.gridId', `网格不属于该社区 (grid ${grid.id} belongs to another community)`);
    }
    const repo = this.ds.getRepository(Visit);
    return repo.save(
      repo.create({
        communityId: data.communityId,
        gridId: data.gridId,
        visitedAt: data.visitedAt ?? new Date(),
        visitor: data.visitor,
        householdsVisited: data.householdsVisited,
        opinions: data.opinions,
        recordedBy: viewer.id,
      }),
    );
  }
}
