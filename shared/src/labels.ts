/**
 * Chinese labels for the contract's enums, as residents and staff read them. Free of imports, so
 * browser pages (the plaza screen) bundle it as it is: '@plaza/shared/labels'.
 */
export const CATEGORY_LABELS: Record<string, string> = {
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

export const ISSUE_STATUS_LABELS: Record<string, string> = {
  SUBMITTED: '已提交',
  CLAIMED: '已认领',
  IN_PROGRESS: '落实中',
  FEEDBACK_GIVEN: '已反馈',
  RECTIFYING: '整改中',
  RESOLVED: '已解决',
  REJECTED: '未受理',
  CLOSED: '已办结',
};

export const SESSION_STATUS_LABELS: Record<string, string> = {
  PLANNED: '即将开始',
  LIVE: '正在进行',
  CLOSED: '已结束',
  CANCELLED: '已取消',
};

export const PLAN_STATUS_LABELS: Record<string, string> = { OPEN: '表决中', ADOPTED: '已通过', REJECTED: '未通过' };
