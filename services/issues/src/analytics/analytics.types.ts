import { CalendarDateScalar, IssueCategory } from '@plaza/shared';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum Bucket {
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
registerEnumType(Bucket, { name: 'Bucket' });

@ObjectType()
export class TrendPoint {
  @Field(() => CalendarDateScalar, { description: 'first day of the bucket (a Monday, or the 1st of the month), Asia/Shanghai' })
  bucketStart!: string;

  @Field(() => Int)
  raised!: number;

  @Field(() => Int)
  resolved!: number;

  @Field(() => Int, { description: 'ledger entries due in the bucket and not completed by the end of their deadline day' })
  overdue!: number;
}

/** 定期分析机制: a category that recurs across many communities in a period. */
@ObjectType()
export class CommonIssue {
  @Field(() => IssueCategory)
  category!: IssueCategory;

  @Field(() => Int, { description: 'distinct communities where it was raised' })
  communities!: number;

  @Field(() => Int)
  issues!: number;

  @Field(() => Int, { description: 'not RESOLVED, CLOSED or REJECTED' })
  openIssues!: number;

  /** The `sample` field's issues, most supported first; resolved through the issue loader. */
  sampleIds!: string[];
}
