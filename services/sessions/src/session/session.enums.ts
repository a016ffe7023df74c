import { registerEnumType } from 'type-graphql';

export enum SessionStatus {
  PLANNED = 'PLANNED',
  LIVE = 'LIVE',
  CLOSED = 'CLOSED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(SessionStatus, { name: 'SessionStatus' });

/** The only legal moves; anything else is a CONFLICT that changes nothing. */
const TRANSITIONS: Record<SessionStatus, readonly SessionStatus[]> = {
  PLANNED: [SessionStatus.LIVE, SessionStatus.CANCELLED],
  LIVE: [SessionStatus.CLOSED],
  CLOSED: [],
  CANCELLED: [],
};

export const canMove = (from: SessionStatus, to: SessionStatus) => TRANSITIONS[from].includes(to);

/** Attendance is counted during the session and may be corrected after it closes. */
export const ATTENDANCE_OPEN: ReadonlySet<SessionStatus> = new Set([SessionStatus.LIVE, SessionStatus.CLOSED]);
