import { NotFoundError, requireSignedIn, requireStaffOf, type Keyset, type Viewer } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import type { ForeignDirectory } from '../federation/subgraphs.directory';
import { CadreCheckIn } from './cadre-check-in.entity';
import { parseCheckInCadre, type CheckInCadreInput } from './cadre.input';

/** Most recent first. */
export const checkInKeyset: Keyset<CadreCheckIn> = {
  columns: ['c.checked_in_at', 'c.id'],
  direction: 'DESC',
  valuesOf: (c) => [c.checkedInAt.toISOString(), c.id],
  casts: ['timestamptz', 'uuid'],
};

export class CadreService {
  constructor(
    private readonly ds: DataSource,
    private readonly directory: ForeignDirectory,
  ) {}

  /**
   * STAFF of the community, or ADMIN. The cadre checking in themself (as RESIDENT) is not
   * allowed yet: the contract names no role for it, and staff confirm the registration.
   */
  async checkIn(viewer: Viewer, input: CheckInCadreInput): Promise<CadreCheckIn> {
    requireSignedIn(viewer);
    const data = parseCheckInCadre(input);
    requireStaffOf(viewer, data.communityId);
    const community = await this.directory.community(data.communityId);
    if (!community) throw new NotFoundError('Community', data.communityId, 'input.communityId');
    const repo = this.ds.getRepository(CadreCheckIn);
    return repo.save(repo.create({ communityId: community.id, subdistrict: community.subdistrict, cadreName: data.cadreName, workUnit: data.workUnit }));
  }
}
