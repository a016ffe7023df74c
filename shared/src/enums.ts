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

export const ISSUE_CATEGORY_LABELS: Record<IssueCategory, string> = {
  OLD_COMMUNITY_RENOVATION: '老旧小区改造',
  ENVIRONMENT_SANITATION: '环境卫生',
  PROPERTY_MANAGEMENT: '物业管理',
  PUBLIC_FACILITIES: '配套设施',
  TRAFFIC_PARKING: '交通停车',
  SAFETY: '安全隐患',
  ELDERLY_AND_CHILD_CARE: '一老一小',
  FAMILY_CONFLICT: '家庭矛盾',
  NEIGHBOUR_DISPUTE: '邻里纠纷',
  OTHER: '其他',
};
