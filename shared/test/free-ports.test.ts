import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { distinctFreePorts, freeLoopbackPort } from '../src/cluster/free-ports';

const ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

describe('free loopback ports', () => {
  it('are below the ephemeral range, never handed out twice, and can be listened on', async () => {
    const ports = [await freeLoopbackPort(), ...(await distinctFreePorts(30))];
    expect(new Set(ports).size).toBe(ports.length);
    for (const p of ports) expect(p).toBeLessThan(ephemeralLow);
    const srv = createServer();
    await new Promise<void>((resolve, reject) => srv.once('error', reject).listen(ports[0], '127.0.0.1', resolve));
    await new Promise((r) => srv.close(r));
  });

  it('the premise: an outgoing connection takes its port from the ephemeral range', async () => {
    // What the port-0 probe allowed: between the probe and the listen, a client socket took the port.
    const srv = createServer((s) => s.destroy());
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { port } = srv.address() as { port: number };
    const { connect } = await import('node:net');
    const client = connect(port, '127.0.0.1');
    await new Promise((r) => client.once('connect', r));
    expect(client.localPort).toBeGreaterThanOrEqual(ephemeralLow);
    client.destroy();
    await new Promise((r) => srv.close(r));
  });
});
