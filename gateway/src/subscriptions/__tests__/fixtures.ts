import { eventCursor, IssueCategory, type IssueEventMessage } from '@plaza/shared';
import type { SocketOutlet } from '../socket.outlet';

/** A RAISED event of request `i` in community `c`, numbered `seq`. */
export const issueEvent = (seq: number): IssueEventMessage & { seq: number; cursor: string } => ({
  cursor: eventCursor(seq),
  seq,
  kind: 'RAISED',
  at: new Date(),
  issueId: 'i',
  communityId: 'c',
  subdistrict: 's',
  sessionId: null,
  category: IssueCategory.PUBLIC_FACILITIES,
  planId: null,
  supportCount: null,
});

/** An outlet that records frames (a real socket is not needed to see who got what); `failing` throws on every write. */
export const recordingOutlet = (frames: string[], failing = false) =>
  ({
    congested: false,
    unacked: 0,
    write(f: string) {
      if (failing) throw new Error('socket exploded');
      frames.push(f);
      return true;
    },
    force: (f: string) => frames.push(f),
    waitFor() {},
    forget() {},
  }) as unknown as SocketOutlet;
