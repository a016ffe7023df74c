import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startRedisCluster } from '../src/cluster/redis-cluster.launcher';

// A node that cannot bind its ports exits at once (another process took a port between the pick
// and the start); the launcher must pick new ports for it rather than wait 10 s and fail.
describe('startRedisCluster', () => {
  it('gives a node that exited at start new ports and forms the cluster', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plaza-fake-redis-'));
    const calls = join(dir, 'calls');
    writeFileSync(calls, '');
    const server = join(dir, 'redis-server');
    // The first start exits as a bind failure would; every later one is the real redis-server.
    writeFileSync(server, `#!/bin/sh\necho "$2" >> ${calls}\n[ "$(wc -l < ${calls})" -eq 1 ] && exit 1\nexec redis-server "$@"\n`);
    chmodSync(server, 0o755);
    const cluster = await startRedisCluster({ masters: 3, replicas: 0, redisServer: server });
    try {
      expect(readFileSync(calls, 'utf8').trim().split('\n')).toHaveLength(4);
      for (const hostPort of cluster.nodesEnv.split(',')) {
        const port = hostPort.split(':')[1]!;
        expect(execFileSync('redis-cli', ['-p', port, 'cluster', 'info']).toString()).toContain('cluster_state:ok');
      }
    } finally {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
