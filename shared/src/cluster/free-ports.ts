import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Free loopback ports for the servers that tests, the bench and the cluster launchers start.
 *
 * Chosen below the kernel's ephemeral range, not by binding port 0: a port 0 probe hands back an
 * ephemeral port, and between its release and the server's `listen` an outgoing connection (to
 * PostgreSQL, Redis, a subgraph) may take it — the bench once died of exactly that EADDRINUSE.
 * Below the range no outgoing connection is ever given the port. Picked at random and never twice
 * by one process, so parallel test workers seldom meet; if they do, the server's listen fails
 * loudly rather than two servers sharing a port.
 */
const handedOut = new Set<number>();
const LOWEST = 20_000;

function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && low > 0) return low!;
  } catch {
    // Not Linux: assume the IANA range (49152–65535).
  }
  return 49_152;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function viaPortZero(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A free loopback TCP port outside the ephemeral range (probed, released), never one handed out before. */
export async function freeLoopbackPort(): Promise<number> {
  const high = ephemeralLow() - 1;
  // A kernel whose ephemeral range starts low leaves no safe band: fall back to asking for port 0.
  if (high - LOWEST < 1_000) return viaPortZero();
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (high - LOWEST + 1));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free loopback port between ${LOWEST} and ${high}`);
}

/** `n` distinct free loopback ports. */
export async function distinctFreePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) ports.push(await freeLoopbackPort());
  return ports;
}
