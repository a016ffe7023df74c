export { CATEGORY_LABELS, ISSUE_STATUS_LABELS, SESSION_STATUS_LABELS, PLAN_STATUS_LABELS } from '@plaza/shared/labels';

export const label = (labels: Record<string, string>, value: string | null | undefined) => (value ? (labels[value] ?? value) : '');
