import type { Viewer } from '@plaza/shared';
import type { Member } from './subscription.member';
import type { SocketOutlet } from './socket.outlet';

/** Longest timer Node accepts; a token valid for longer is re-checked after that. */
const MAX_TIMER = 2 ** 31 - 1;

/**
 * One authenticated WebSocket: its viewer, its socket and the subscriptions it holds. When the
 * viewer's token expires its subscriptions end with UNAUTHENTICATED and it may open no more.
 */
export class Connection {
  expired = false;
  readonly members = new Set<Member>();
  /** Subscriptions open or being opened: reserved synchronously, so the cap holds under a burst. */
  slots = 0;
  private expiry: NodeJS.Timeout | null = null;

  constructor(
    readonly viewer: Viewer,
    /** The socket, written to directly by the connection's subscriptions. */
    readonly outlet: SocketOutlet,
  ) {
    this.scheduleExpiry();
  }

  private scheduleExpiry() {
    if (!this.viewer.exp) return;
    const ms = this.viewer.exp * 1000 - Date.now();
    this.expiry = setTimeout(() => (this.viewer.exp! * 1000 <= Date.now() ? this.expire() : this.scheduleExpiry()), Math.max(0, Math.min(ms, MAX_TIMER)));
    this.expiry.unref();
  }

  private expire() {
    this.expired = true;
    for (const m of this.members) m.end({ code: 'UNAUTHENTICATED', message: '令牌已过期 (token expired; reconnect with a fresh token)' });
  }

  /** The gateway shuts down: each subscription ends after what it has queued. */
  endAll(): void {
    if (this.expiry) clearTimeout(this.expiry);
    for (const m of [...this.members]) m.end();
  }

  /** The socket closed: its subscriptions stop at once and the socket is let go. */
  closed(): void {
    if (this.expiry) clearTimeout(this.expiry);
    for (const m of [...this.members]) void m.return();
    this.outlet.close();
  }
}
