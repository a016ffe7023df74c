import { relayOffsetDdl } from '@plaza/shared';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Where the issue-event relay keeps the last seq the bus accepted (issue 4). */
export class RelayOffset1764160000000 implements MigrationInterface {
  name = 'RelayOffset1764160000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(relayOffsetDdl('issues'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS issues.relay_offset`);
  }
}
