import type { WebSocket } from 'ws';
import { ANONYMOUS, type Viewer } from '@plaza/shared';

/** graphql-ws CloseCode.Unauthorized: a client does not retry it. */
export const REFUSED_CLOSE_CODE = 4401;

export type Authentication = { viewer: Viewer } | { refused: string };

/**
 * The viewer of a connection from its connection_init `authorization` param: none is anonymous;
 * a malformed one or a token `verifyToken` rejects is refused with a reason a client can show.
 */
export async function authenticate(params: Readonly<Record<string, unknown>> | undefined, verifyToken: (token: string) => Promise<Viewer>): Promise<Authentication> {
  const auth = params?.authorization;
  if (auth == null) return { viewer: ANONYMOUS };
  const m = typeof auth === 'string' ? /^Bearer\s+(\S+)$/i.exec(auth.trim()) : null;
  if (!m) return { refused: 'UNAUTHENTICATED: malformed authorization (expected Bearer <jwt>)' };
  try {
    return { viewer: await verifyToken(m[1]!) };
  } catch {
    return { refused: 'UNAUTHENTICATED: invalid or expired token' };
  }
}

/**
 * Closes with 4401 and the reason. graphql-ws' own refusal (onConnect returning false) is 4403,
 * which its clients retry ~5 times over 30-45 s before reporting anything; 4401 is fatal to
 * them. Our close goes first; graphql-ws' 4403 after it is a no-op on a closing socket.
 */
export function refuse(socket: WebSocket, reason: string): false {
  // Close reasons are capped at 123 bytes by the protocol.
  socket.close(REFUSED_CLOSE_CODE, Buffer.from(reason).subarray(0, 123).toString());
  return false;
}
