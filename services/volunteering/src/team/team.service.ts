import { BadUserInputError, isUniqueViolation, isUuid, keysetPage, NotFoundError, requireSignedIn, requireStaffOf, type Keyset, type Viewer } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import type { ForeignDirectory } from '../federation/subgraphs.directory';
import { parseAddVolunteer, parseCreateTeam, type AddVolunteerInput, type CreateTeamInput } from './team.input';
import { TeamAssignment } from './team-assignment.entity';
import type { TeamKind } from './team-kind.enum';
import { VolunteerTeam } from './team.entity';
import { Volunteer } from './volunteer.entity';

/** Teams in the order they were formed. */
export const teamKeyset: Keyset<VolunteerTeam> = {
  columns: ['t.created_at', 't.id'],
  direction: 'ASC',
  valuesOf: (t) => [t.createdAt.toISOString(), t.id],
  casts: ['timestamptz', 'uuid'],
};

/** Members in the order they joined. */
export const memberKeyset: Keyset<Volunteer> = {
  columns: ['v.joined_at', 'v.id'],
  direction: 'ASC',
  valuesOf: (v) => [v.joinedAt.toISOString(), v.id],
  casts: ['timestamptz', 'uuid'],
};

export class TeamService {
  constructor(
    private readonly ds: DataSource,
    private readonly directory: ForeignDirectory,
  ) {}

  list(filter: { communityId?: string | null; kind?: TeamKind | null }, page: { first?: number | null; after?: string | null }) {
    const qb = this.ds.getRepository(VolunteerTeam).createQueryBuilder('t');
    if (filter.communityId != null) {
      // A malformed id names no community: an empty page, not a database error.
      if (!isUuid(filter.communityId)) qb.where('false');
      else qb.where('t.community_id = :communityId', { communityId: filter.communityId });
    }
    if (filter.kind != null) qb.andWhere('t.kind = :kind', { kind: filter.kind });
    return keysetPage(qb, teamKeyset, page);
  }

  /** Fails with NOT_FOUND naming `field` when the team does not exist. */
  async require(id: string, field: string): Promise<VolunteerTeam> {
    const found = isUuid(id) ? await this.ds.getRepository(VolunteerTeam).findOneBy({ id }) : null;
    if (!found) throw new NotFoundError('VolunteerTeam', id, field);
    return found;
  }

  /** STAFF of the community, or ADMIN. */
  async create(viewer: Viewer, input: CreateTeamInput): Promise<VolunteerTeam> {
    requireSignedIn(viewer);
    const data = parseCreateTeam(input);
    requireStaffOf(viewer, data.communityId);
    const community = await this.directory.community(data.communityId);
    if (!community) throw new NotFoundError('Community', data.communityId, 'input.communityId');
    const repo = this.ds.getRepository(VolunteerTeam);
    try {
      return await repo.save(repo.create({ ...data, subdistrict: community.subdistrict }));
    } catch (e) {
      if (isUniqueViolation(e)) throw new BadUserInputError('input.name', `服务队 ${data.name} 已存在 (team already exists in this community)`);
      throw e;
    }
  }

  /** STAFF of the team's community, or ADMIN. */
  async addVolunteer(viewer: Viewer, teamId: string, input: AddVolunteerInput): Promise<Volunteer> {
    requireSignedIn(viewer);
    const data = parseAddVolunteer(input);
    const team = await this.require(teamId, 'teamId');
    requireStaffOf(viewer, team.communityId);
    const repo = this.ds.getRepository(Volunteer);
    return repo.save(repo.create({ ...data, teamId: team.id }));
  }

  /**
   * STAFF of the team's community, or ADMIN. Idempotent: assigning twice leaves one assignment.
   * The issue must belong to the team's community: teams serve where they are registered.
   */
  async assignToIssue(viewer: Viewer, teamId: string, issueId: string): Promise<VolunteerTeam> {
    requireSignedIn(viewer);
    const team = await this.require(teamId, 'teamId');
    requireStaffOf(viewer, team.communityId);
    const issue = await this.directory.issue(issueId);
    if (!issue) throw new NotFoundError('Issue', issueId, 'issueId');
    if (issue.communityId !== team.communityId) {
      throw new BadUserInputError('issueId', `诉求不属于该服务队所在社区 (issue ${issueId} belongs to another community)`);
    }
    await this.ds.createQueryBuilder().insert().into(TeamAssignment).values({ teamId: team.id, issueId: issue.id }).orIgnore().execute();
    return team;
  }
}
