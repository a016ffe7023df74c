import { IssueEventKind } from '@plaza/shared';
import { registerEnumType } from 'type-graphql';

export enum IssueStatus {
  SUBMITTED = 'SUBMITTED',
  CLAIMED = 'CLAIMED',
  IN_PROGRESS = 'IN_PROGRESS',
  FEEDBACK_GIVEN = 'FEEDBACK_GIVEN',
  RECTIFYING = 'RECTIFYING',
  RESOLVED = 'RESOLVED',
  REJECTED = 'REJECTED',
  CLOSED = 'CLOSED',
}
registerEnumType(IssueStatus, { name: 'IssueStatus' });

/** 小事不出网格, 大事不出社区: ordered from the lowest level up. */
export enum IssueLevel {
  GRID = 'GRID',
  COMMUNITY = 'COMMUNITY',
  SUBDISTRICT = 'SUBDISTRICT',
  CITY = 'CITY',
}
registerEnumType(IssueLevel, { name: 'IssueLevel' });
export const LEVEL_ORDER: IssueLevel[] = [IssueLevel.GRID, IssueLevel.COMMUNITY, IssueLevel.SUBDISTRICT, IssueLevel.CITY];

export enum OutcomeKind {
  SERVICE_FACILITY = 'SERVICE_FACILITY',
  NEIGHBOURHOOD_CENTRE = 'NEIGHBOURHOOD_CENTRE',
  CHARGING_SHED = 'CHARGING_SHED',
  REPAIR = 'REPAIR',
  MEDIATION = 'MEDIATION',
  POLICY_EXPLAINED = 'POLICY_EXPLAINED',
  OTHER = 'OTHER',
}
registerEnumType(OutcomeKind, { name: 'OutcomeKind' });

export enum LedgerStatus {
  OPEN = 'OPEN',
  DONE = 'DONE',
  OVERDUE = 'OVERDUE',
}
registerEnumType(LedgerStatus, { name: 'LedgerStatus' });

export enum PlanStatus {
  OPEN = 'OPEN',
  ADOPTED = 'ADOPTED',
  REJECTED = 'REJECTED',
}
registerEnumType(PlanStatus, { name: 'PlanStatus' });

export enum Stance {
  FOR = 'FOR',
  AGAINST = 'AGAINST',
  ABSTAIN = 'ABSTAIN',
}
registerEnumType(Stance, { name: 'Stance' });

// The kinds are the topic map's (shared), so the log, the bus and the contract name the same ones.
export { IssueEventKind };
registerEnumType(IssueEventKind, { name: 'IssueEventKind' });

/** Requests nobody works on any more: no support or plan changes, not "still open". */
export const FINISHED_STATUSES: IssueStatus[] = [IssueStatus.RESOLVED, IssueStatus.REJECTED, IssueStatus.CLOSED];
