import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOT_KAFKA_CODE } from "./call.ts";
import { trackedSockets } from "./connection.ts";

const servers: Server[] = [];
const accepted = new Set<Socket>();
async function serve(onConnection: (s: Socket) => void): Promise<number> {
  const server = createServer((s) => (accepted.add(s), s.on("error", () => {}), onConnection(s)));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as { port: number }).port;
}
let silent = 0;
let http = 0;
beforeAll(async () => {
  silent = await serve(() => {});
  http = await serve((s) => s.on("data", () => s.write("HTTP/1.1 400 Bad Request\r\n\r\n")));
});
afterAll(async () => {
  for (const s of accepted) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

/** Resolves with the socket's error (kafkajs listens for exactly this event). */
const errorOf = (s: Socket) => new Promise<NodeJS.ErrnoException>((resolve) => s.once("error", resolve));
const connected = (s: Socket) => new Promise<void>((resolve) => s.once("connect", () => resolve()));

describe("the Kafka client's sockets", () => {
  it("release() destroys every socket still open, with an error kafkajs acts on, and refuses new ones", async () => {
    const sockets = trackedSockets();
    const socket = sockets.factory({ host: "127.0.0.1", port: silent, ssl: undefined as never, onConnect: () => {} });
    await connected(socket);
    expect(sockets.open()).toBe(1);
    const failed = errorOf(socket);
    const closed = new Promise((r) => socket.once("close", r));
    sockets.release();
    expect((await failed).code).toBe("KAFKA_OPS_CLOSED");
    const late = sockets.factory({ host: "127.0.0.1", port: silent, ssl: undefined as never, onConnect: () => {} });
    const lateClosed = new Promise((r) => late.once("close", r));
    expect((await errorOf(late)).message).toBe("connection closed by kafka-ops: the command is done");
    await Promise.all([closed, lateClosed]);
    expect(sockets.open()).toBe(0);
  });

  it("a server whose first answer is not a Kafka response is said not to be Kafka, at once", async () => {
    const sockets = trackedSockets();
    const socket = sockets.factory({ host: "127.0.0.1", port: http, ssl: undefined as never, onConnect: () => {} });
    await connected(socket);
    const failed = errorOf(socket);
    socket.write(Buffer.from([0, 0, 0, 10, 0, 18, 0, 2, 0, 0, 0, 1, 0, 0])); // any request
    const error = await failed;
    expect([error.code, error.message]).toEqual([
      NOT_KAFKA_CODE,
      `127.0.0.1:${http} answered, but not in Kafka's protocol (its answer starts "HTTP/1.1 400"): is this a Kafka listener?`,
    ]);
    sockets.release();
  });
});
