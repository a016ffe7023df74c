/**
 * The graphql-transport-ws `next` frame, written by hand: a group serialises a result once and
 * every member wraps the same text, where graphql-ws' stringifyMessage would stringify it again
 * per socket. The unit test holds these bytes equal to graphql-ws' own serialisation.
 */
export class NextFrame {
  /** `{"id":…,"type":"next","payload":` */
  private readonly prefix: string;
  /** UTF-8 bytes the frame adds around a payload: a member's byte budget counts them. */
  readonly overheadBytes: number;

  /** The `next` frame of subscription `id`; built once per subscription (a prototype method, no closure per subscriber). */
  constructor(id: string) {
    this.prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
    this.overheadBytes = Buffer.byteLength(this.prefix) + 1;
  }

  /** The frame around `payloadJson` (a serialised ExecutionResult). */
  wrap(payloadJson: string): string {
    return this.prefix + payloadJson + '}';
  }
}

/** The ExecutionResult ending a subscription with an error: where it stopped rides in `cursor`. */
export function errorPayload(message: string, code: string, cursor: string | null): string {
  return JSON.stringify({ errors: [{ message, extensions: { code, cursor } }] });
}
