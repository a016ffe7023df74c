import { BadUserInputError, isUniqueViolation, isUuid, NotFoundError } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { Community } from './community.entity';
import { Grid } from './grid.entity';
import { parseAddGrid, parseCreateCommunity, type CreateCommunityInput } from './community.input';

export class CommunityService {
  constructor(private readonly ds: DataSource) {}

  list(subdistrict?: string | null): Promise<Community[]> {
    const qb = this.ds.getRepository(Community).createQueryBuilder('c').orderBy('c.subdistrict').addOrderBy('c.name');
    if (subdistrict != null) qb.where('c.subdistrict = :subdistrict', { subdistrict });
    return qb.getMany();
  }

  async create(input: CreateCommunityInput): Promise<Community> {
    const data = parseCreateCommunity(input);
    try {
      return await this.ds.getRepository(Community).save(this.ds.getRepository(Community).create(data));
    } catch (e) {
      if (isUniqueViolation(e)) throw new BadUserInputError('input.name', `社区 ${data.name} 已存在 (community already exists in ${data.subdistrict})`);
      throw e;
    }
  }

  /** Fails with NOT_FOUND naming `field` when the community does not exist. */
  async require(id: string, field = 'communityId'): Promise<Community> {
    const found = isUuid(id) ? await this.ds.getRepository(Community).findOneBy({ id }) : null;
    if (!found) throw new NotFoundError('Community', id, field);
    return found;
  }

  async addGrid(communityId: string, args: { name: string; gridWorker?: string | null }): Promise<Grid> {
    const data = parseAddGrid(args);
    await this.require(communityId);
    try {
      const repo = this.ds.getRepository(Grid);
      return await repo.save(repo.create({ communityId, ...data }));
    } catch (e) {
      if (isUniqueViolation(e)) throw new BadUserInputError('name', `网格 ${data.name} 已存在 (grid already exists)`);
      throw e;
    }
  }
}
