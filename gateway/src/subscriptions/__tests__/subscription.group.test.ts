import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { setTracingEnabled, withSpan, type IssueEventMessage } from '@plaza/shared';
import { SubscriptionGroup } from '../subscription.group';
import { Member } from '../subscription.member';
import type { SubscriptionPlan } from '../subscription.plan';
import { issueEvent as event, recordingOutlet as outlet } from './fixtures';

describe('SubscriptionGroup tracing', () => {
  // Spans kept in memory: the SDK the gateway's startTracing registers, with an in-memory exporter.
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
    setTracingEnabled(true);
  });
  afterAll(async () => {
    setTracingEnabled(false);
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it("events handed out together each join their own trace: a delivery span's parent is its event's span", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const plan = { matches: () => true, render: async (e: IssueEventMessage) => (await gate, { json: `{"seq":${e.seq}}`, hydrated: false }) } as unknown as SubscriptionPlan;
    const group = new SubscriptionGroup('g', plan, { id: null, roles: [], communityIds: [] } as never, async () => ({}));
    const frames: string[] = [];
    group.add(new Member({ outlet: outlet(frames), id: 's', delivered: () => undefined }, { bufferLimit: 10, backlogBytes: 1 << 20 }, null, null));
    for (const seq of [1, 2, 3]) withSpan(`receive ${seq}`, {}, () => group.offer(event(seq)));
    release();
    while (frames.length < 3) await new Promise((r) => setTimeout(r, 10));
    const spans = exporter.getFinishedSpans();
    for (const seq of [1, 2, 3]) {
      const receive = spans.find((s) => s.name === `receive ${seq}`)!;
      const deliver = spans.find((s) => s.name === 'subscription deliver' && s.attributes['plaza.event.seq'] === seq)!;
      expect(deliver).toBeDefined();
      expect([deliver.spanContext().traceId, deliver.parentSpanContext?.spanId]).toEqual([receive.spanContext().traceId, receive.spanContext().spanId]);
    }
  });
});
