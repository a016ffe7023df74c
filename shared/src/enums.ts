import { registerEnumType } from 'type-graphql';

/** The contract's shared category enum, identical in every subgraph. */
export enum IssueCategory {
  OLD_COMMUNITY_RENOVATION = 'OLD_COMMUNITY_RENOVATION',
  ENVIRONMENT_SANITATION = 'ENVIRONMENT_SANITATION',
  PROPERTY_MANAGEMENT = 'PROPERTY_MANAGEMENT',
  PUBLIC_FACILITIES = 'PUBLIC_FACILITIES',
  TRAFFIC_PARKING = 'TRAFFIC_PARKING',
  SAFETY = 'SAFETY',
  ELDERLY_AND_CHILD_CARE = 'ELDERLY_AND_CHILD_CARE',
  FAMILY_CONFLICT = 'FAMILY_CONFLICT',
  NEIGHBOUR_DISPUTE = 'NEIGHBOUR_DISPUTE',
  OTHER = 'OTHER',
}
registerEnumType(IssueCategory, { name: 'IssueCategory' });
