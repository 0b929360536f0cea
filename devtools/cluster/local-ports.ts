// Who holds a local TCP port, read from the kernel's socket tables instead of by connecting.
//
// Why not connect: the test clusters' ports lie inside Linux's ephemeral range (32768-60999). A
// connect to a free port there can pick that same port as its source and connect to ITSELF
// (TCP simultaneous open; seen about once in 3,000 attempts here), and the socket then holds the
// port, so the broker that was about to listen fails with "Address already in use". Probing a
// broker only once the kernel lists its port as listening avoids causing that.
import { readFileSync } from 'node:fs';

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
