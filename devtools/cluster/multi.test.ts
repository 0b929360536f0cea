// The multi-broker cluster's input checks and the port helpers, without Kafka.
import { createConnection, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { holdPort, portState } from './local-ports.ts';
import { validateClusterOptions } from './multi.ts';

describe('validateClusterOptions', () => {
  it('accepts one rack per broker and refuses the rest with the reason', () => {
    expect(() => validateClusterOptions({ basePort: 28210, brokers: 4, racks: ['a', 'a', 'b', 'b'] })).not.toThrow();
    expect(() => validateClusterOptions({ basePort: 28210, brokers: 4, racks: ['a', 'b'] })).toThrow('racks lists 2 racks for 4 brokers: give one per broker, in broker id order');
    expect(() => validateClusterOptions({ basePort: 28210, brokers: 0 })).toThrow('brokers must be an integer from 1 to 99, got 0');
    expect(() => validateClusterOptions({ basePort: 80, brokers: 2 })).toThrow('basePort must be an integer from 1024 to 65436, got 80');
    expect(() => validateClusterOptions({ basePort: 28210, brokers: 1, racks: ['a b'] })).toThrow('rack "a b" is not a rack name (letters, digits, . _ -, at most 64)');
  });
});

const listenOnFreePort = async (): Promise<{ port: number; close: () => Promise<void> }> => {
  const server = createServer();
  await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1' }, () => r()));
  const port = (server.address() as { port: number }).port;
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
};

describe('portState and holdPort', () => {
  it('tells a listening port from a free one, and a held port closes each connection', async () => {
    const s = await listenOnFreePort();
    expect(portState(s.port)).toBe('listening');
    await s.close();
    expect(portState(s.port)).toBe('free');

    const release = await holdPort(s.port);
    expect(portState(s.port)).toBe('listening');
    const closedBy = await new Promise<string>((resolve) => {
      const c = createConnection({ port: s.port, host: '127.0.0.1' });
      c.once('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
      c.once('close', () => resolve('closed'));
    });
    expect(closedBy).toBe('closed');
    await release();
    expect(portState(s.port)).toBe('free');
  });
});
