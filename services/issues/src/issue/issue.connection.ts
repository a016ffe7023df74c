import { connectionTypes } from '@plaza/shared';
import { IssueEvent } from '../issue-event/issue-event.entity';
import { Issue } from './issue.entity';

export const { Connection: IssueConnection } = connectionTypes('Issue', Issue);
export const { Connection: IssueEventConnection } = connectionTypes('IssueEvent', IssueEvent, { totalCount: false });
