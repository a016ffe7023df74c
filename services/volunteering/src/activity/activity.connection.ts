import { connectionTypes } from '@plaza/shared';
import { Activity } from './activity.entity';

export const { Connection: ActivityConnection } = connectionTypes('Activity', Activity);
