import { eventCursor } from '@plaza/shared';
import { LogReplayer } from '../log.replayer';
import { issueEvent as event } from './fixtures';

/** A log of `n` events that records every read it serves. */
function log(n: number) {
  const reads: { after: string; limit: number }[] = [];
  const all = Array.from({ length: n }, (_, i) => ({ ...event(i + 1), at: new Date(0) }));
  const replay = (async (_topic: string, after: string, limit: number) => {
    reads.push({ after, limit });
    const from = all.findIndex((e) => e.cursor === after) + 1;
    return all.slice(from, from + limit);
  }) as never;
  return { replay, reads };
}

describe('LogReplayer', () => {
  it('reads page after page from the last cursor and stops at a short page', async () => {
    const { replay, reads } = log(7);
    const seqs: number[] = [];
    for await (const e of new LogReplayer(replay, 3).events('issueEvents', eventCursor(0))) seqs.push(e.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(reads.map((r) => r.after)).toEqual([eventCursor(0), eventCursor(3), eventCursor(6)]);
  });

  it('on a full last page reads once more to learn the log ended', async () => {
    const { replay, reads } = log(6);
    const seqs: number[] = [];
    for await (const e of new LogReplayer(replay, 3).events('issueEvents', eventCursor(0))) seqs.push(e.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(reads).toHaveLength(3);
  });

  it('reads no further page once its consumer stops', async () => {
    const { replay, reads } = log(10);
    for await (const e of new LogReplayer(replay, 3).events('issueEvents', eventCursor(0))) if (e.seq === 2) break;
    expect(reads).toHaveLength(1);
  });

  it('decodes each row: one the topic contract refuses fails the replay', async () => {
    const replay = (async () => [{ ...event(1), seq: 'one' }]) as never;
    const read = async () => {
      for await (const _ of new LogReplayer(replay, 3).events('issueEvents', eventCursor(0))) void _;
    };
    await expect(read()).rejects.toThrow(/seq/);
  });
});
