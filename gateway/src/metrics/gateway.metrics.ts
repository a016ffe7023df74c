import { codeLabel, LATENCY_BUCKETS, type ServiceMetrics } from '@plaza/shared';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { SubscriptionServer } from '../subscriptions';

/** The gateway's own series beside the per-request ones every process has. */
export interface GatewayMetrics {
  readonly base: ServiceMetrics;
  /** One HTTP request to the named subgraph answered (outcome: its status) or lost ("network"), and its time. */
  subgraphFetched(subgraph: string, outcome: string, seconds: number): void;
  /** Counts the errors in a subgraph's GraphQL response. */
  subgraphErrors(subgraph: string, errors: readonly { extensions?: Record<string, unknown> }[] | undefined): void;
  /** For @apollo/gateway's experimental_didResolveQueryPlan: a plan seen before came from the plan cache. */
  queryPlanResolved(plan: object): void;
  /** A request refused before Apollo parsed it (limits guard, persisted-query check). */
  refused(code: unknown): void;
  /** A query answered with a copy of an identical request's answer in flight (InflightAnswers). */
  answerShared(): void;
}

export function createGatewayMetrics(base: ServiceMetrics): GatewayMetrics {
  const registers = [base.registry];
  const fetches = new Counter({
    name: 'plaza_subgraph_fetches_total',
    help: 'HTTP requests from the gateway to subgraphs (one request\'s reads batched together count once), by subgraph and outcome (HTTP status, or "network" when no answer came)',
    labelNames: ['subgraph', 'outcome'],
    registers,
  });
  const fetchTime = new Histogram({
    name: 'plaza_subgraph_fetch_duration_seconds',
    help: 'Time of one HTTP request to a subgraph, answer read',
    labelNames: ['subgraph'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const graphqlErrors = new Counter({
    name: 'plaza_subgraph_errors_total',
    help: 'GraphQL errors in subgraph responses, by subgraph and extensions.code',
    labelNames: ['subgraph', 'code'],
    registers,
  });
  const plans = new Counter({ name: 'plaza_query_plan_cache_total', help: 'Query plans resolved, by result: hit (from the plan cache) or miss (planned now)', labelNames: ['result'], registers });
  const refusals = new Counter({ name: 'plaza_graphql_refused_total', help: 'Requests refused before parsing (size, tokens, depth, cost, persisted query), by code', labelNames: ['code'], registers });
  const sharedAnswers = new Counter({
    name: 'plaza_graphql_answers_shared_total',
    help: "Queries answered with a copy of an identical in-flight request's answer (same viewer, headers and operation), without executing",
    registers,
  });
  plans.inc({ result: 'hit' }, 0);
  plans.inc({ result: 'miss' }, 0);
  // The plan store hands back the very object it keeps, so identity tells a cached plan.
  const seen = new WeakSet<object>();
  return {
    base,
    subgraphFetched(subgraph, outcome, seconds) {
      fetches.inc({ subgraph, outcome });
      fetchTime.observe({ subgraph }, seconds);
    },
    subgraphErrors(subgraph, errors) {
      for (const e of errors ?? []) graphqlErrors.inc({ subgraph, code: codeLabel(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
    },
    queryPlanResolved(plan) {
      if (seen.has(plan)) return void plans.inc({ result: 'hit' });
      seen.add(plan);
      plans.inc({ result: 'miss' });
    },
    refused(code) {
      refusals.inc({ code: codeLabel(code) });
    },
    answerShared() {
      sharedAnswers.inc();
    },
  };
}

/**
 * The subscription server's own counters and latency summaries, read at scrape time (its code
 * is not touched: it keeps counting as it did for /metrics/subscriptions).
 */
export function subscriptionMetrics(base: ServiceMetrics, subscriptions: SubscriptionServer): void {
  const registers = [base.registry];
  const server = () => subscriptions;
  const counters = (): SubscriptionServer['counters'] | undefined => subscriptions.counters;
  const total = (name: string, help: string, read: (c: NonNullable<ReturnType<typeof counters>>) => number | undefined) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        const c = counters();
        const v = c && read(c);
        if (v === undefined) return;
        this.reset();
        this.inc(v);
      },
    });
  const gauge = (name: string, help: string, read: (c: NonNullable<ReturnType<typeof counters>>) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const c = counters();
        this.set(c ? read(c) : 0);
      },
    });
  gauge('plaza_subscriptions_open', 'Subscriptions open on this gateway', (c) => c.subscribers);
  gauge('plaza_subscription_groups', 'Distinct (operation, variables, auth scope) groups sharing one hydration per event', (c) => c.groups);
  total('plaza_subscription_events_received_total', 'Events this gateway received from the bus', (c) => c.eventsReceived);
  total('plaza_subscription_hydrations_total', 'Hydration operations run through the supergraph', (c) => c.hydrations);
  total('plaza_subscription_deliveries_total', 'Subscription results written to sockets', (c) => c.deliveries);
  total('plaza_subscription_overflows_total', 'Subscriptions cut off with SUBSCRIPTION_OVERFLOW: a slow reader past its event or byte budget (it resumes with after)', (c) => c.overflows);
  // The server keeps log-spaced histograms and reports percentiles: exposed as a summary.
  for (const [name, key, help] of [
    ['plaza_subscription_delivery_latency_ms', 'deliveryMs', 'From taking an event up to its bytes going to a socket, ms, since start'],
    ['plaza_subscription_hydration_latency_ms', 'hydrationMs', 'Hydration through the supergraph, ms, since start'],
  ] as const) {
    new Gauge({
      name,
      help,
      labelNames: ['quantile'],
      registers,
      collect() {
        const s = server().latency()[key];
        if (!s) return;
        for (const [q, v] of [
          ['0.5', s.p50],
          ['0.95', s.p95],
          ['0.99', s.p99],
          ['1', s.max],
        ] as const)
          if (v != null) this.set({ quantile: q }, v);
      },
    });
    new Gauge({
      name: `${name.replace(/_ms$/, '')}_samples`,
      help: `Samples behind ${name}`,
      registers,
      collect() {
        this.set(server().latency()[key].samples);
      },
    });
  }
}
