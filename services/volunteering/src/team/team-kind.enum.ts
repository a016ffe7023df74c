import { registerEnumType } from 'type-graphql';

/** The contract's TeamKind; the database enum volunteering.team_kind holds the same values. */
export enum TeamKind {
  YOUTH_VANGUARD = 'YOUTH_VANGUARD',
  ELDERLY_CARE = 'ELDERLY_CARE',
  MEDICAL = 'MEDICAL',
  EDUCATION = 'EDUCATION',
  ENVIRONMENT = 'ENVIRONMENT',
  LEGAL_AID = 'LEGAL_AID',
  CULTURE = 'CULTURE',
  OTHER = 'OTHER',
}
registerEnumType(TeamKind, { name: 'TeamKind' });
