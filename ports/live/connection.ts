/**
 * A kafkajs client from validated settings: SSL (CA, mTLS), SASL PLAIN / SCRAM / OAUTHBEARER
 * (a fixed token, a command, an OAuth 2 token endpoint) / MSK IAM, tokens renewed before they
 * expire (ports/live/sasl/).
 * Its own logger is replaced (logCreator): every line it would print goes, redacted so not even
 * a client error can print a secret, to the caller's `log` sink as `kafkajs <namespace>: <message>`,
 * never to the console. The CLI's sink (cli/client-log.ts) drops them unless debugging: the
 * failures they describe reach the user as typed faults.
 *
 * Its sockets are our own (kafkajs' `socketFactory`), for two reasons:
 * - `release()` destroys every socket the client still holds and refuses new ones. kafkajs
 *   leaves a socket open when a connect is abandoned half-way (a request timed out, then its
 *   retry reconnects after `disconnect()` has returned), and that socket keeps the process
 *   alive forever: `kafka-ops record` against a port that accepts and never answers hung so.
 * - A server that answers in something other than Kafka's protocol (an HTTP or SSH port) is
 *   said so at its first bytes (a Kafka response starts with a small size), instead of
 *   kafkajs waiting for a gigabyte-sized "response" until the deadline.
 */
import { readFileSync } from "node:fs";
import net from "node:net";
import tls from "node:tls";
import { tolerateLeaderlessPartitions } from "./kafkajs-leaderless.ts";
import { Kafka, logLevel, type ISocketFactory, type KafkaConfig, type SASLOptions } from "kafkajs";
import type { Settings } from "../../config/settings.ts";
import { NOT_KAFKA_CODE } from "./call.ts";
import { saslTokenProvider } from "./sasl/token-provider.ts";

/** A kafkajs client and the one way to be sure it holds no socket any more. */
export interface KafkaClient {
  kafka: Kafka;
  /** Destroys every socket still open and refuses new ones: call after disconnecting. */
  release(): void;
}

export function createKafka(kafka: NonNullable<Settings["kafka"]>, settings: Settings, redact: (text: string) => string, log: (line: string) => void = () => {}): Kafka {
  return createKafkaClient(kafka, settings, redact, log).kafka;
}


export function createKafkaClient(kafka: NonNullable<Settings["kafka"]>, settings: Settings, redact: (text: string) => string, log: (line: string) => void = () => {}): KafkaClient {
  // An offline partition must not blind every read of the client (kafkajs-leaderless.ts).
  tolerateLeaderlessPartitions();
  const sockets = trackedSockets();
  const config: KafkaConfig = {
    socketFactory: sockets.factory,
    clientId: kafka.clientId,
    brokers: kafka.bootstrap,
    connectionTimeout: Math.min(settings.calls.deadline, 5_000),
    requestTimeout: settings.calls.deadline,
    // Retries belong to liveCall (one layer only); kafkajs's own retry stays short.
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1_000 },
    logLevel: logLevel.ERROR,
    logCreator: () => (entry) => log(redact(`kafkajs ${entry.namespace}: ${entry.log.message}`)),
  };
  if (kafka.ssl) {
    config.ssl =
      kafka.ssl === true
        ? true
        : {
            rejectUnauthorized: kafka.ssl.rejectUnauthorized,
            ...(kafka.ssl.ca && { ca: [readFileSync(kafka.ssl.ca, "utf8")] }),
            ...(kafka.ssl.cert && { cert: readFileSync(kafka.ssl.cert, "utf8") }),
            ...(kafka.ssl.key && { key: readFileSync(kafka.ssl.key, "utf8") }),
          };
  }
  if (kafka.sasl) config.sasl = saslOptions(kafka.sasl, settings.calls.deadline, (line) => log(redact(line)));
  return { kafka: new Kafka(config), release: sockets.release };
}

/**
 * Largest size a first response may announce: the first request on a connection is
 * ApiVersions (a few hundred bytes back). Text ("HTTP/1.1 ...", "SSH-2.0") read as a size is
 * half a gigabyte or more.
 */
const FIRST_RESPONSE_MAX = 1 << 20;

/** The socket factory kafkajs would use, plus what we need: a list of what is open, and a sniff. */
export function trackedSockets(): { factory: ISocketFactory; release(): void; open(): number } {
  const open = new Set<net.Socket>();
  let released = false;
  const factory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
    const socket = ssl
      ? tls.connect(Object.assign({ host, port }, !net.isIP(host) ? { servername: host } : {}, ssl), onConnect)
      : net.connect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    open.add(socket);
    socket.once("close", () => open.delete(socket));
    if (released) process.nextTick(() => socket.destroy(closedError()));
    else if (!ssl) sniffFirstResponse(socket, `${host}:${port}`);
    return socket;
  };
  return {
    factory,
    release() {
      released = true;
      for (const socket of open) socket.destroy(closedError());
    },
    open: () => open.size,
  };
}

/** kafkajs turns a socket error into its KafkaJSConnectionError, passing the message and `code` on. */
const closedError = () => Object.assign(new Error("connection closed by kafka-ops: the command is done"), { code: "KAFKA_OPS_CLOSED" });

function sniffFirstResponse(socket: net.Socket, where: string): void {
  socket.once("data", (chunk: Buffer) => {
    if (chunk.length < 4) return;
    const size = chunk.readInt32BE(0);
    if (size >= 0 && size <= FIRST_RESPONSE_MAX) return;
    const start = JSON.stringify(chunk.subarray(0, 12).toString("latin1").replace(/[^\x20-\x7e]/g, "."));
    socket.destroy(Object.assign(new Error(`${where} answered, but not in Kafka's protocol (its answer starts ${start}): is this a Kafka listener?`), { code: NOT_KAFKA_CODE }));
  });
}

function saslOptions(sasl: NonNullable<NonNullable<Settings["kafka"]>["sasl"]>, timeoutMs: number, log: (line: string) => void): SASLOptions {
  switch (sasl.mechanism) {
    case "oauthbearer":
    case "aws-msk-iam": {
      // kafkajs asks at every (re)authentication and caches nothing: the provider renews (sasl/refreshing-token.ts).
      const provider = saslTokenProvider(sasl, { timeoutMs, log });
      const extensions = provider.extensions;
      return { mechanism: "oauthbearer", oauthBearerProvider: async () => ({ value: await provider.token(), ...(extensions && { extensions }) }) };
    }
    case "plain":
      return { mechanism: "plain", username: sasl.username, password: sasl.password.reveal() };
    case "scram-sha-256":
      return { mechanism: "scram-sha-256", username: sasl.username, password: sasl.password.reveal() };
    case "scram-sha-512":
      return { mechanism: "scram-sha-512", username: sasl.username, password: sasl.password.reveal() };
  }
}
