import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A team assisting an issue (Issue.assistingTeams); the primary key makes assigning idempotent. */
@Entity({ name: 'team_assignment' })
export class TeamAssignment {
  @PrimaryColumn('uuid', { name: 'team_id' })
  teamId!: string;

  @PrimaryColumn('uuid', { name: 'issue_id' })
  issueId!: string;

  @Column('timestamptz', { name: 'assigned_at', default: () => "date_trunc('milliseconds', now())" })
  assignedAt!: Date;
}
