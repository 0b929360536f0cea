// Who holds a local TCP port, read from the kernel's socket tables instead of by connecting.
//
// Why not connect: the test clusters' ports lie inside Linux's ephemeral range (32768-60999). A
// connect to a free port there can pick that same port as its source and connect to ITSELF
// (TCP simultaneous open; seen about once in 3,000 attempts here), and the socket then holds the
// port, so the broker that was about to listen fails with "Address already in use". Probing a
// broker only once the kernel lists its port as listening avoids causing that.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export type PortState = 'listening' | 'in-use' | 'free';

const LISTEN = '0A';
const TIME_WAIT = '06';

/** The port's state on this host (any address), or undefined when the tables cannot be read (not Linux). */
export function portState(port: number): PortState | undefined {
  let found = false;
  let state: PortState = 'free';
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    found = true;
    for (const line of text.split('\n').slice(1)) {
      // "  0: 0100007F:9A02 00000000:0000 0A ..." : local address:port (hex), remote, state.
      const [, local, , st] = line.trim().split(/\s+/);
      if (!local || !st) continue;
      if (parseInt(local.slice(local.lastIndexOf(':') + 1), 16) !== port) continue;
      if (st === LISTEN) return 'listening';
      // TIME_WAIT does not stop a listener binding (SO_REUSEADDR, which Kafka and Node set).
      if (st !== TIME_WAIT) state = 'in-use';
    }
  }
  return found ? state : undefined;
}

/**
 * Holds a stopped broker's port until it starts again: clients keep reconnecting to a broker
 * that is down, and with nothing listening one of those connects can land on the port itself
 * (above). This listener closes every connection at once, so clients see the broker as gone,
 * and nothing else can take the port. Resolves to the release function.
 */
export async function holdPort(port: number): Promise<() => Promise<void>> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve());
  });
  let released: Promise<void> | undefined;
  return () => (released ??= new Promise<void>((resolve) => server.close(() => resolve())));
}
