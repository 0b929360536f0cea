/**
 * Groups that are not classic: listing every group with its type (ListGroups v5, Kafka 3.8+) and
 * describing consumer-protocol groups (KIP-848, `group.protocol=consumer`) with
 * ConsumerGroupDescribe (API key 69), through @platformatic/kafka.
 *
 * Why: kafkajs speaks neither. Its DescribeGroups is the classic API, and a broker answers it
 * for a consumer-protocol group with "Dead, no members" while the group consumes (seen on Kafka
 * 4.1): a reading that sent such a group to "no consumer is running, restart it". So the type
 * decides the path: classic groups are described by kafkajs as before, consumer groups only by
 * ConsumerGroupDescribe, and streams (KIP-1071) and share (KIP-932) groups are listed and named,
 * never described by an API that does not know them.
 *
 * The library has ConsumerGroupDescribe v0 as an API module but no Admin method for it: it is
 * sent here on the library's own connection to the group's coordinator (FindCoordinator), the
 * way ports/write/live/topics.ts sends the API modules the Admin lacks. What the answers become in
 * the contract is consumer-group-model.ts (no client there: the sampler loads it either way).
 */
import {
  consumerGroupDescribeV0,
  FindCoordinatorKeyTypes,
  protocolErrorsCodesById,
  type Admin as PlatformaticAdmin,
} from "@platformatic/kafka";
import type { GroupType } from "../../contract/vocabulary.ts";
import type { Settings } from "../../config/settings.ts";
import type { ConsumerGroupsAnswer, GroupProtocolReader } from "./consumer-group-model.ts";
import { createPlatformaticAdmin } from "../write/live/platformatic-admin.ts";

const TYPES: ReadonlySet<string> = new Set<GroupType>(["classic", "consumer", "streams", "share"]);

/** The reader over an @platformatic/kafka admin built from the same settings as kafkajs (TLS, SASL). */
export function platformaticGroupReader(settings: Settings): GroupProtocolReader {
  let admin: PlatformaticAdmin | undefined;
  const client = () => (admin ??= createPlatformaticAdmin(settings));
  return {
    async list() {
      // No type filter: every type, each group with its type (a filter of all four would make a
      // broker that does not know one of them reject the request).
      const groups = await rethrowPlain(client().listGroups({ types: [] }));
      return [...groups.values()].map((g) => ({
        groupId: g.id,
        type: g.groupType !== undefined && TYPES.has(g.groupType.toLowerCase()) ? (g.groupType.toLowerCase() as GroupType) : undefined,
        protocolType: g.protocolType,
        state: String(g.state),
      }));
    },
    async describeConsumerGroups(groupIds) {
      if (!groupIds.length) return { groups: [], failed: [] };
      const a = client();
      const coordinators = await rethrowPlain(a.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: [...groupIds] }));
      const byNode = new Map<number, { host: string; port: number; groups: string[] }>();
      for (const c of coordinators) {
        const entry = byNode.get(c.nodeId) ?? { host: c.host, port: c.port, groups: [] };
        entry.groups.push(c.key);
        byNode.set(c.nodeId, entry);
      }
      const answers = await Promise.all(
        [...byNode.values()].map(async (c) => {
          const connection = await rethrowPlain(a.connections.get({ host: c.host, port: c.port }));
          return describeOn(() => consumerGroupDescribeV0.api.async(connection, c.groups, false));
        }),
      );
      return { groups: answers.flatMap((x) => x.groups), failed: answers.flatMap((x) => x.failed) };
    },
    async close() {
      const a = admin;
      admin = undefined;
      await a?.close().catch(() => {});
    },
  };
}

/**
 * One ConsumerGroupDescribe answer. The library throws when any group of the answer carries an
 * error, with the whole answer attached: the groups that were described are kept, the others
 * are named with their error. A retriable error (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS)
 * on every group throws, so the caller's retry can cure it.
 */
export async function describeOn(send: () => Promise<consumerGroupDescribeV0.ConsumerGroupDescribeResponse>): Promise<ConsumerGroupsAnswer> {
  try {
    return { groups: (await send()).groups, failed: [] };
  } catch (error) {
    const response = (error as { response?: consumerGroupDescribeV0.ConsumerGroupDescribeResponse }).response;
    if (!response?.groups) throw plainError(error);
    const ok = response.groups.filter((g) => g.errorCode === 0);
    const failed = response.groups.filter((g) => g.errorCode !== 0);
    if (!ok.length && failed.every((g) => RETRIABLE.has(g.errorCode))) throw plainError(error, true);
    return { groups: ok, failed: failed.map((g) => ({ groupId: g.groupId, reason: errorText(g.errorCode, g.errorMessage) })) };
  }
}

/** COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR. */
const RETRIABLE = new Set([14, 15, 16]);

const errorText = (code: number, message: string | null | undefined) => `${protocolErrorsCodesById[code] ?? `error ${code}`}${message ? `: ${message}` : ""}`;

/** The library's promise, its failure as a plain Error with the innermost reasons (protocol error names) in the message. */
async function rethrowPlain<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw plainError(error);
  }
}

/**
 * An Error whose message names what the broker said ("Listing groups failed. (NOT_COORDINATOR:
 * ...)") and whose `retriable` says whether the library thinks another try can help.
 */
export function plainError(error: unknown, retriable?: boolean): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const leaves: { text: string; retry: boolean }[] = [];
  const walk = (e: unknown, depth: number): void => {
    const inner = (e as { errors?: unknown }).errors;
    if (Array.isArray(inner) && inner.length && depth < 4) {
      for (const x of inner) walk(x, depth + 1);
      return;
    }
    if (e === error) return;
    const { apiId, serverErrorMessage, message, canRetry } = e as { apiId?: unknown; serverErrorMessage?: unknown; message?: unknown; canRetry?: unknown };
    const text = typeof serverErrorMessage === "string" && serverErrorMessage ? serverErrorMessage : String(message ?? e);
    leaves.push({ text: typeof apiId === "string" ? `${apiId}: ${text}` : text, retry: canRetry === true });
  };
  walk(error, 0);
  const reasons = [...new Set(leaves.map((l) => l.text))];
  const plain = new Error(reasons.length ? `${error.message} (${reasons.join("; ")})` : error.message, { cause: error });
  const canRetry = (error as { canRetry?: unknown }).canRetry === true || (leaves.length > 0 && leaves.every((l) => l.retry));
  return Object.assign(plain, { retriable: retriable ?? canRetry });
}
