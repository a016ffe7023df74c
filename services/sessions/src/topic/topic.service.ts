import { ConflictError, inTransaction, isUuid, NotFoundError, requireResidentOrStaffOf, requireSignedIn, requireStaffOf, type Viewer } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import type { CommunityService } from '../community/community.service';
import { appendSessionEvent } from '../session-event/session-event.writer';
import { TopicProposal } from './topic.entity';
import { DECIDABLE, DECISIONS, TopicStatus } from './topic.enums';
import { parseDecideTopic, parseProposeTopic, type ProposeTopicInput } from './topic.input';

export class TopicService {
  constructor(
    private readonly ds: DataSource,
    private readonly communities: CommunityService,
  ) {}

  /** RESIDENT (of any community), or STAFF of this one. */
  async propose(viewer: Viewer, input: ProposeTopicInput): Promise<TopicProposal> {
    requireSignedIn(viewer);
    const data = parseProposeTopic(input);
    requireResidentOrStaffOf(viewer, data.communityId);
    await this.communities.require(data.communityId, 'input.communityId');
    return inTransaction(this.ds, async (runner) => {
      const repo = runner.manager.getRepository(TopicProposal);
      const topic = await repo.save(repo.create({ ...data, proposedBy: viewer.id, status: TopicStatus.PROPOSED }));
      await appendSessionEvent(runner, { kind: 'TOPIC_PROPOSED', communityId: topic.communityId, topicId: topic.id, actor: viewer.id });
      return topic;
    });
  }

  /** STAFF of the topic's community. PROPOSED | DEFERRED -> SELECTED | DEFERRED | DECLINED. */
  async decide(viewer: Viewer, id: string, args: { decision: TopicStatus; note?: string | null }): Promise<TopicProposal> {
    requireSignedIn(viewer);
    const { decision, note } = parseDecideTopic(args);
    if (!isUuid(id)) throw new NotFoundError('TopicProposal', id, 'id');
    return inTransaction(this.ds, async (runner) => {
      const repo = runner.manager.getRepository(TopicProposal);
      // Row lock: two committees deciding at once are serialised, the second sees the first's status.
      const topic = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!topic) throw new NotFoundError('TopicProposal', id, 'id');
      requireStaffOf(viewer, topic.communityId);
      if (!DECIDABLE.has(topic.status) || !DECISIONS.has(decision)) throw new ConflictError(topic.status, decision);
      const patch = { status: decision, decidedAt: new Date(), decisionNote: note };
      await repo.update({ id }, patch);
      await appendSessionEvent(runner, { kind: 'TOPIC_DECIDED', communityId: topic.communityId, topicId: topic.id, actor: viewer.id });
      return Object.assign(topic, patch);
    });
  }
}
