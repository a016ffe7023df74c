export { CATEGORY_LABELS, ISSUE_STATUS_LABELS, SESSION_STATUS_LABELS, PLAN_STATUS_LABELS } from '@plaza/shared/labels';

export const label = (labels: Record<string, string>, value: string | null | undefined) => (value ? (labels[value] ?? value) : '');

/** What came of a request, as the waiting screen lists it. */
export const OUTCOME_LABELS: Record<string, string> = {
  SERVICE_FACILITY: '新增服务设施',
  NEIGHBOURHOOD_CENTRE: '新建邻里中心',
  CHARGING_SHED: '建充电车棚',
  REPAIR: '维修',
  MEDIATION: '调解',
  POLICY_EXPLAINED: '政策解释',
  OTHER: '其他',
};
