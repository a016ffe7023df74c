import { LatencyHistogram } from './latency.histogram';
import type { SharedResult } from './subscription.member';
import type { HydrateExecute } from './subscription.plan';

export interface SubscriptionCounters {
  /** Messages this gateway received from the bus. */
  eventsReceived: number;
  /** Hydration operations run through the supergraph. */
  hydrations: number;
  /** Results written to sockets. */
  deliveries: number;
  /** Subscriptions cut off with SUBSCRIPTION_OVERFLOW (a slow reader past its event or byte budget). */
  overflows: number;
  /** Subscriptions open now. */
  subscribers: number;
  /** Distinct (operation, variables, auth scope) groups now. */
  groups: number;
  /** Estimated bytes held by the document and plan caches. */
  cacheBytes: { documents: number; plans: number };
  /** Open WebSocket connections. */
  connections: number;
  /** Reads of a resident's followed requests (myIssueEvents routing: once per resident subscribing). */
  followLoads: number;
  /** Follow events (from any gateway's mutations) that changed a subscribed resident's followed set. */
  followEvents: number;
  /** Bytes written to all sockets that their peers have not yet confirmed reading. */
  unreadBytes: number;
}

export interface SubscriptionLatency {
  /** Hydration operations through the supergraph, ms. */
  hydrationMs: ReturnType<LatencyHistogram['summary']>;
  /** From the gateway taking an event up to its bytes going to a subscriber's socket, ms. */
  deliveryMs: ReturnType<LatencyHistogram['summary']>;
}

/** The event-path figures /metrics reports: what came in, what was hydrated, what went out and how fast. */
export class SubscriptionMetrics {
  eventsReceived = 0;
  hydrations = 0;
  deliveries = 0;
  overflows = 0;
  private readonly hydrationTimes = new LatencyHistogram();
  private readonly deliveryTimes = new LatencyHistogram();

  /** A message from the bus. */
  readonly received = (): void => void this.eventsReceived++;

  /** A result went to a socket: counted, and timed from when the gateway took the event up. */
  readonly delivered = (r: SharedResult): void => {
    this.deliveries++;
    this.deliveryTimes.record(performance.now() - r.since);
  };

  /** A subscription was cut off with SUBSCRIPTION_OVERFLOW. */
  readonly overflowed = (): void => void this.overflows++;

  /** `execute`, counted and timed as the hydrations of subscription events. */
  timed(execute: HydrateExecute): HydrateExecute {
    return async (doc, variables, viewer) => {
      this.hydrations++;
      const t0 = performance.now();
      try {
        return await execute(doc, variables, viewer);
      } finally {
        this.hydrationTimes.record(performance.now() - t0);
      }
    };
  }

  latency(): SubscriptionLatency {
    return { hydrationMs: this.hydrationTimes.summary(), deliveryMs: this.deliveryTimes.summary() };
  }
}
