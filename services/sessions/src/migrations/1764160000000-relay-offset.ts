import { relayOffsetDdl } from '@plaza/shared';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Where the session-event relay keeps the last seq the bus accepted (issue 4). */
export class RelayOffset1764160000000 implements MigrationInterface {
  name = 'RelayOffset1764160000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(relayOffsetDdl('sessions'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS sessions.relay_offset`);
  }
}
