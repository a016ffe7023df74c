import { PageInfo } from '@plaza/shared';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum LeagueUnitKind {
  /** the department named when the request was claimed (认领部门) */
  DEPARTMENT = 'DEPARTMENT',
  /** a ledger entry's responsible unit (台账责任单位) */
  RESPONSIBLE_UNIT = 'RESPONSIBLE_UNIT',
}
registerEnumType(LeagueUnitKind, { name: 'LeagueUnitKind' });

export enum LeagueOrder {
  RESOLVED = 'RESOLVED',
  HOURS_TO_CLAIM = 'HOURS_TO_CLAIM',
  HOURS_TO_FEEDBACK = 'HOURS_TO_FEEDBACK',
  ON_TIME_RATE = 'ON_TIME_RATE',
  SATISFACTION = 'SATISFACTION',
  REWORK_RATE = 'REWORK_RATE',
}
registerEnumType(LeagueOrder, { name: 'LeagueOrder' });

/** 考核激励: one unit's figures in a scope and period (definitions: league.service.ts, README). */
@ObjectType()
export class LeagueEntry {
  @Field()
  unit!: string;

  @Field(() => LeagueUnitKind)
  kind!: LeagueUnitKind;

  @Field(() => Int, { description: 'its requests claimed in the period' })
  claimed!: number;

  @Field(() => Int, { description: 'its requests that reached RESOLVED in the period' })
  resolved!: number;

  @Field(() => Float, { nullable: true, description: 'median hours raised -> claimed, of its requests claimed in the period' })
  medianHoursToClaim!: number | null;

  @Field(() => Float, { nullable: true, description: 'median hours claimed -> first feedback, of its requests claimed in the period that have feedback' })
  medianHoursToFirstFeedback!: number | null;

  @Field(() => Int, { description: 'its ledger entries due in the period, done by the end of their deadline day' })
  ledgerOnTime!: number;

  @Field(() => Int, { description: 'its ledger entries due in the period, done after their deadline day' })
  ledgerOverdue!: number;

  @Field(() => Int, { description: 'its ledger entries due in the period, not done, deadline day over' })
  ledgerOpenPastDeadline!: number;

  @Field(() => Float, { nullable: true, description: 'ledgerOnTime / (ledgerOnTime + ledgerOverdue + ledgerOpenPastDeadline); null when 0' })
  onTimeRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'satisfied / all evaluations given in the period on its requests; null when none' })
  satisfactionRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'of its requests evaluated in the period, the share sent to RECTIFYING (an unsatisfied evaluation) in it; null when none' })
  reworkRate!: number | null;
}

@ObjectType()
export class LeagueEntryEdge {
  @Field()
  cursor!: string;

  @Field(() => LeagueEntry)
  node!: LeagueEntry;
}

/** Named as the contract names it (not `LeagueEntryConnection`, which connectionTypes would make). */
@ObjectType()
export class LeagueConnection {
  @Field(() => [LeagueEntryEdge])
  edges!: LeagueEntryEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}
