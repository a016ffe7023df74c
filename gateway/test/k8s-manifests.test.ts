import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createSubgraphApp, createLogger, parseEnv } from '@plaza/shared';
import { parse } from 'graphql';
import { parseAllDocuments } from 'yaml';
import type { ZodObject, ZodRawShape } from 'zod';
import { gatewayEnvSchema } from '../src/env';
import { createGatewayServer } from '../src/server';

/**
 * deploy/k8s cannot drift from the code: every variable a Deployment sets is one its package's
 * zod schema reads (and every one the schema reads is set, or listed below with the reason),
 * the values parse with that schema as in production, ports match, probe and ingress paths are
 * routes the processes answer.
 */

const DIR = join(__dirname, '..', '..', 'deploy', 'k8s');
type Doc = { kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string>; stringData?: Record<string, string> };

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The kustomization's resources, read by hand (what matters here needs no patching). */
function renderByHand(): Doc[] {
  const k = parseAllDocuments(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as { resources: string[]; images: { name: string; newName: string; newTag: string }[] };
  const docs = k.resources.flatMap((f) => parseAllDocuments(readFileSync(join(DIR, f), 'utf8')).map((d) => d.toJS() as Doc));
  for (const d of docs) {
    for (const c of d.kind === 'Deployment' ? d.spec.template.spec.containers : []) {
      const img = k.images.find((i) => i.name === c.image);
      if (img) c.image = `${img.newName}:${img.newTag}`;
    }
  }
  return docs;
}

/** `kubectl kustomize` when kubectl is here (it is on this machine), else the resources by hand. */
function render(): Doc[] {
  if (!hasKubectl()) return renderByHand();
  return parseAllDocuments(execFileSync('kubectl', ['kustomize', DIR], { encoding: 'utf8' })).map((d) => d.toJS() as Doc);
}

const serviceSchema = (name: string) => {
  const mod = require(`@plaza/${name}/dist/env.js`) as Record<string, unknown>;
  return Object.entries(mod).find(([k]) => k.endsWith('EnvSchema'))![1] as ZodObject<ZodRawShape>;
};

const PACKAGES = {
  gateway: { schema: gatewayEnvSchema as unknown as ZodObject<ZodRawShape>, port: 4000 },
  sessions: { schema: serviceSchema('sessions'), port: 4001 },
  issues: { schema: serviceSchema('issues'), port: 4002 },
  volunteering: { schema: serviceSchema('volunteering'), port: 4003 },
} as const;

/** Keys a package's schema has (from the shared base) that it never uses, so its pods do not get them. */
// Optional topology: one Redis and no read replica here; set them for a Redis Cluster or a replica (README: Scale-out).
const TOPOLOGY = {
  REDIS_CLUSTER_NODES: 'this deployment uses one Redis (REDIS_URL); set it to use a Redis Cluster instead',
  DATABASE_READ_URL: 'no streaming replica here; set it to read analytics from one',
};
const TRACING = {
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'OTEL_EXPORTER_OTLP_ENDPOINT (ConfigMap) names the collector; set this only to send traces somewhere else',
};
const NOT_SET: Record<keyof typeof PACKAGES, Record<string, string>> = {
  gateway: {
    ...TRACING,
    DATABASE_URL: 'the gateway has no database',
    DATABASE_READ_URL: 'the gateway has no database',
    REDIS_CLUSTER_NODES: TOPOLOGY.REDIS_CLUSTER_NODES,
    CORS_ORIGINS: "none in production unless set: the screen, GraphiQL and the exports are served from the gateway's own origin",
  },
  sessions: { ...TOPOLOGY, ...TRACING },
  issues: { ...TOPOLOGY, ...TRACING },
  volunteering: { REDIS_URL: 'volunteering publishes no events', ...TOPOLOGY, ...TRACING },
};

describe('deploy/k8s (kustomize)', () => {
  const docs = render();
  const of = (kind: string) => docs.filter((d) => d.kind === kind);
  const config = of('ConfigMap').find((d) => d.metadata.name === 'plaza-config')!;
  const secret = of('Secret').find((d) => d.metadata.name === 'plaza-secrets')!;
  const secretData = secret.stringData ?? Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));

  it('renders with kubectl kustomize and the same objects as reading the resources by hand', () => {
    const names = (ds: Doc[]) => ds.map((d) => `${d.kind}/${d.metadata.name}`).sort();
    expect(names(docs)).toEqual(names(renderByHand()));
    expect(names(of('Deployment'))).toEqual(['Deployment/gateway', 'Deployment/issues', 'Deployment/sessions', 'Deployment/volunteering']);
  });

  describe.each(Object.keys(PACKAGES) as (keyof typeof PACKAGES)[])('%s', (name) => {
    const { schema, port } = PACKAGES[name];
    const deployment = () => of('Deployment').find((d) => d.metadata.name === name)!;
    const container = () => deployment().spec.template.spec.containers[0];
    const env = (): { name: string; value?: string; valueFrom?: any }[] => container().env;

    it('sets exactly the variables its env schema reads (minus the documented unused ones)', () => {
      const set = env()
        .map((e) => e.name)
        .sort();
      const keys = Object.keys(schema.shape)
        .filter((k) => !(k in NOT_SET[name]))
        .sort();
      expect(set).toEqual(keys);
      for (const k of Object.keys(NOT_SET[name])) expect(Object.keys(schema.shape)).toContain(k); // the exception is still real
    });

    it('every value resolves from the ConfigMap or Secret and parses with the schema as in production', () => {
      const values: Record<string, string> = {};
      for (const e of env()) {
        if (e.value !== undefined) values[e.name] = e.value;
        else if (e.valueFrom.configMapKeyRef) {
          expect(e.valueFrom.configMapKeyRef.name).toBe('plaza-config');
          expect(config.data).toHaveProperty([e.valueFrom.configMapKeyRef.key]);
          values[e.name] = config.data![e.valueFrom.configMapKeyRef.key]!;
        } else {
          expect(e.valueFrom.secretKeyRef.name).toBe('plaza-secrets');
          if (!e.valueFrom.secretKeyRef.optional) expect(secretData).toHaveProperty([e.valueFrom.secretKeyRef.key]);
          values[e.name] = secretData[e.valueFrom.secretKeyRef.key] ?? '';
        }
      }
      const parsed = parseEnv(schema, values) as Record<string, unknown>;
      expect(parsed.NODE_ENV).toBe('production');
      expect(parsed.PORT).toBe(port);
      expect(parsed.HOST).toBe('0.0.0.0');
    });

    it('port, Service, probes, drain, resources, HPA, PDB and scrape annotations agree', () => {
      const c = container();
      expect(c.ports).toEqual([{ name: 'http', containerPort: port }]);
      expect(env().find((e) => e.name === 'PORT')!.value).toBe(String(port));
      expect(schema.shape.PORT!.parse(undefined)).toBe(port); // the code's own default
      expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(c.lifecycle.preStop.exec.command[0]).toBe('sleep');
      expect(Number(c.lifecycle.preStop.exec.command[1])).toBeLessThan(deployment().spec.template.spec.terminationGracePeriodSeconds);
      expect(c.resources.requests.cpu).toBeDefined();
      expect(c.resources.requests.memory).toBeDefined();
      expect(deployment().spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      const ann = deployment().spec.template.metadata.annotations;
      expect(ann['prometheus.io/port']).toBe(String(port));
      expect(ann['prometheus.io/path']).toBe('/metrics');
      const service = of('Service').find((d) => d.metadata.name === name)!;
      expect(service.spec.ports).toEqual([{ name: 'http', port, targetPort: 'http' }]);
      expect(service.spec.selector).toEqual(deployment().spec.selector.matchLabels);
      const hpa = of('HorizontalPodAutoscaler').find((d) => d.metadata.name === name)!;
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
      const pdb = of('PodDisruptionBudget').find((d) => d.metadata.name === name)!;
      expect(pdb.spec.selector.matchLabels).toEqual(deployment().spec.selector.matchLabels);
      expect(pdb.spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
    });
  });

  it('the URLs in the ConfigMap point at the Services and ports', () => {
    for (const [key, svc] of [
      ['SESSIONS_URL', 'sessions'],
      ['ISSUES_URL', 'issues'],
      ['VOLUNTEERING_URL', 'volunteering'],
    ] as const) {
      expect(config.data![key]).toBe(`http://${svc}:${PACKAGES[svc].port}/graphql`);
    }
  });

  describe('paths are routes the processes answer', () => {
    const gatewayGet = async (path: string) => {
      const app = await createGatewayServer({ jwtSecret: 'k8s-test-jwt-secret-0123456789', gatewaySecret: 'k8s-test-gateway-secret-0123', readyTimeoutMs: 200, explorer: { enabled: true } });
      try {
        const port = await app.listen(0);
        return (await fetch(`http://127.0.0.1:${port}${path}`)).status;
      } finally {
        await app.close();
      }
    };

    it('gateway: probes and every ingress path answer (not 404); /metrics is not exposed', async () => {
      expect(await gatewayGet('/health')).toBe(200);
      expect(await gatewayGet('/ready')).toBe(503); // no subgraph runs here
      const ingress = of('Ingress')[0]!;
      const paths = ingress.spec.rules.flatMap((r: any) => r.http.paths) as { path: string; pathType: string; backend: any }[];
      for (const p of paths) {
        expect(p.backend.service).toEqual({ name: 'gateway', port: { name: 'http' } });
        const probe = p.pathType === 'Exact' ? p.path : { '/screen': '/screen', '/graphiql': '/graphiql', '/export': '/export/issues.csv' }[p.path]!;
        expect(probe).toBeDefined();
        expect(await gatewayGet(probe)).not.toBe(404);
      }
      for (const hidden of ['/metrics', '/metrics/subscriptions', '/health', '/ready']) {
        expect(paths.some((p) => (p.pathType === 'Exact' ? p.path === hidden : hidden.startsWith(p.path)))).toBe(false);
      }
      expect(ingress.metadata.annotations!['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('3600');
      expect(ingress.metadata.annotations!['nginx.ingress.kubernetes.io/proxy-send-timeout']).toBe('3600');
    });

    it('subgraphs: /health, /ready and /metrics are routes of every subgraph app', async () => {
      const app = await createSubgraphApp({
        name: 'probe',
        schema: buildSubgraphSchema({ typeDefs: parse('type Query { x: Int }') }),
        gatewaySecret: 'k8s-test-gateway-secret-0123',
        production: true,
        log: createLogger('probe', 'silent'),
        extendContext: (b) => b,
        isReady: async () => true,
      });
      try {
        const port = await app.listen(0);
        for (const path of ['/health', '/ready', '/metrics']) expect((await fetch(`http://127.0.0.1:${port}${path}`)).status).toBe(200);
      } finally {
        await app.close();
      }
    });
  });
});
