/**
 * The live RegistryPort: a Confluent-API schema registry (Confluent Schema Registry, or
 * Apicurio / Karapace / Redpanda through their Confluent-compatible API) read with
 * `@confluentinc/schemaregistry`.
 *
 * - `subjects()`: every subject with every version (id, type, schema text; `registeredAt` is not
 *   in the API, so it is omitted) and its compatibility level: the subject's own, else the
 *   global one, else BACKWARD. Both spellings of the level are read: GET /config answers
 *   `{"compatibilityLevel": ..}` (Confluent and Apicurio), PUT answers `{"compatibility": ..}`.
 *   Confluent answers 404 (40408, or 40401 on old versions) for a subject without its own level;
 *   Apicurio answers the global level instead.
 * - `testCompatibility()`: the registry's verdict when the registry can express the question
 *   (the level asked is the subject's own level; `beforeVersion` is expressed by testing the
 *   versions explicitly): `POST /compatibility/subjects/{s}/versions/{v}?verbose=true` against the
 *   latest version, or against every version for a *_TRANSITIVE level. When the registry says
 *   incompatible without reasons (Apicurio 3 ignores `verbose` and answers only
 *   `{"is_compatible": false}`), the reasons come from the local checker
 *   (`tools/schema/lib/compatibility.ts`). When the level asked differs from the subject's, the
 *   local checker decides alone. Every message says which source decided.
 * - `proposed()`: `notRecorded`: schemas about to be registered are not in a registry.
 * - References: GET /subjects/{s}/versions/{v} answers a version's `references` (name, subject,
 *   version); they are kept on the version, sent with a candidate to the registry, and resolved
 *   through `schemaVersion()` (soft-deleted versions included: a registry keeps a referenced
 *   version readable) when the local checker decides.
 *
 * Every HTTP read goes through `liveCall` (deadline, bounded retry on 5xx/429/network, secret
 * redaction); the client's own retries are off so that retries are counted in one place. A
 * subject the registry does not know (404, error_code 40401) is `notRecorded`, not a fault.
 */
import { RestError, SchemaRegistryClient, type ClientConfig } from "@confluentinc/schemaregistry";
import { RestService } from "@confluentinc/schemaregistry/dist/rest-service.js";
import type { SchemaVersion, Subject } from "../../contract/incident.ts";
import { CompatibilityLevel, SchemaType } from "../../contract/vocabulary.ts";
import type { Settings } from "../../config/settings.ts";
import { checkWithReferences } from "../../tools/schema/lib/references.ts";
import { notRecorded, ok, type CompatibilityAnswer, type Readout, type RegistryPort, type SubjectVersion } from "../ports.ts";
import { mapBounded } from "./bounded.ts";
import { liveCall, type CallPolicy } from "./call.ts";

/** Subjects read at once by `subjects()`. */
const CONCURRENCY = 8;
/** What the registry falls back to when neither the subject nor the registry names a level. */
const DEFAULT_LEVEL: CompatibilityLevel = "BACKWARD";

const NOT_FOUND = Symbol("not found");
type NotFound = typeof NOT_FOUND;

/** The raw answer of POST /compatibility/... (Confluent adds `messages` when `verbose=true`). */
interface CompatibilityResponse {
  is_compatible?: boolean;
  messages?: unknown;
}

/** The registry's verdict on a candidate against some versions. */
interface RegistryVerdict {
  compatible: boolean;
  messages: string[];
  checkedAgainst: number[];
}

export function registryPort(settings: Settings, policy: CallPolicy): RegistryPort {
  const registry = settings.schemaRegistry;
  if (!registry) {
    return {
      subjects: async () => notRecorded("schema registry (none configured)"),
      proposed: async () => notRecorded("proposed schemas"),
      schemaVersion: async () => notRecorded("schema registry (none configured)"),
      testCompatibility: async () => notRecorded("schema registry (none configured)"),
    };
  }
  const config: ClientConfig = {
    baseURLs: [registry.url],
    // liveCall owns the retries and the deadline; the axios timeout only stops a request that
    // liveCall has already given up on from lingering.
    maxRetries: 0,
    createAxiosDefaults: { timeout: policy.deadlineMs },
    ...(registry.basicAuth && {
      basicAuthCredentials: { credentialsSource: "USER_INFO", userInfo: `${registry.basicAuth.username}:${registry.basicAuth.password.reveal()}` },
    }),
  };
  const client = new SchemaRegistryClient(config);
  // The client has no verbose compatibility call: the same REST layer (auth, headers, RestError)
  // serves the raw requests.
  const rest = new RestService(config.baseURLs, false, config.createAxiosDefaults, config.basicAuthCredentials, undefined, 0);

  /** One HTTP read through liveCall; a 404 "subject not found" becomes NOT_FOUND. */
  const read = <T>(what: string, fn: () => Promise<T>, notFoundCodes: number[] = [40401]): Promise<Readout<T | NotFound>> =>
    liveCall(what, policy, async () => {
      try {
        return await fn();
      } catch (error) {
        if (error instanceof RestError && error.status === 404 && notFoundCodes.includes(error.errorCode)) return NOT_FOUND;
        throw explain(error, policy.redact);
      }
    });

  let globalLevel: Promise<Readout<CompatibilityLevel>> | undefined;
  const readGlobalLevel = () =>
    (globalLevel ??= read("schema registry global compatibility", () => client.getDefaultConfig(), [40401, 40408]).then((r) =>
      r.kind === "ok" ? ok(r.value === NOT_FOUND ? DEFAULT_LEVEL : (levelOf(r.value) ?? DEFAULT_LEVEL)) : r,
    ));

  /** The subject's level, else the global one, else BACKWARD. */
  const readLevel = async (subject: string): Promise<Readout<CompatibilityLevel>> => {
    const own = await read(`compatibility of subject ${subject}`, () => client.getConfig(subject), [40401, 40408]);
    if (own.kind !== "ok") return own;
    const level = own.value === NOT_FOUND ? undefined : levelOf(own.value);
    return level ? ok(level) : readGlobalLevel();
  };

  const readVersionNumbers = async (subject: string): Promise<Readout<number[] | NotFound>> => {
    // getAllVersions puts the subject into the path as given (unlike the other calls): encode it here.
    const r = await read(`versions of subject ${subject}`, () => client.getAllVersions(encodeURIComponent(subject)));
    return r.kind === "ok" && r.value !== NOT_FOUND ? ok([...r.value].sort((a, b) => a - b)) : r;
  };

  const readVersion = async (subject: string, version: number, deleted = false): Promise<Readout<SchemaVersion | NotFound | null>> => {
    const r = await read(`version ${version} of subject ${subject}`, () => client.getSchemaMetadata(subject, version, deleted), [40401, 40402]);
    if (r.kind !== "ok") return r;
    if (r.value === NOT_FOUND) return ok(NOT_FOUND);
    const schemaType = SchemaType.safeParse(r.value.schemaType ?? "AVRO");
    // A type the contract has no name for (e.g. Apicurio's XML) is left out.
    if (!schemaType.success) return ok(null);
    const references = referencesOf(r.value.references);
    return ok({
      version: r.value.version ?? version,
      id: r.value.id ?? 0,
      schemaType: schemaType.data,
      schema: r.value.schema,
      ...(references.length && { references }),
    });
  };

  const schemaVersion = async (subject: string, version: number): Promise<Readout<SubjectVersion>> => {
    const r = await readVersion(subject, version, true);
    if (r.kind !== "ok") return r;
    if (r.value === NOT_FOUND) return notRecorded(`version ${version} of schema registry subject ${subject}`, { entity: { subject } });
    if (r.value === null) return notRecorded(`version ${version} of schema registry subject ${subject} (a schema type this tool does not read)`, { entity: { subject } });
    const { id, schemaType, schema, references } = r.value;
    return ok({ subject, version, id, schemaType, schema, ...(references && { references }) });
  };

  /** Versions with their text; NOT_FOUND when the subject is gone. */
  const readVersions = async (subject: string, numbers: number[]): Promise<Readout<SchemaVersion[]>> => {
    const out: SchemaVersion[] = [];
    for (const version of numbers) {
      const r = await readVersion(subject, version);
      if (r.kind !== "ok") return r;
      if (r.value !== NOT_FOUND && r.value !== null) out.push(r.value); // deleted meanwhile: skipped
    }
    return ok(out);
  };

  const readSubject = async (subject: string): Promise<Readout<Subject | NotFound>> => {
    const numbers = await readVersionNumbers(subject);
    if (numbers.kind !== "ok") return numbers;
    if (numbers.value === NOT_FOUND) return ok(NOT_FOUND);
    const [level, versions] = await Promise.all([readLevel(subject), readVersions(subject, numbers.value)]);
    if (level.kind !== "ok") return level;
    if (versions.kind !== "ok") return versions;
    return ok({ subject, compatibility: level.value, versions: versions.value });
  };

  /** Asks the registry about the candidate against each version. */
  const askRegistry = async (
    subject: string,
    schemaType: SchemaType,
    schema: string,
    references: readonly { name: string; subject: string; version: number }[] | undefined,
    against: number[],
  ): Promise<Readout<RegistryVerdict>> => {
    const messages: string[] = [];
    let compatible = true;
    for (const version of against) {
      const r = await liveCall(`compatibility check of subject ${subject} against version ${version}`, policy, async () => {
        try {
          const body = { schema, ...(schemaType !== "AVRO" && { schemaType }), ...(references?.length && { references }) };
          const path = `/compatibility/subjects/${encodeURIComponent(subject)}/versions/${version}?verbose=true`;
          return (await rest.handleRequest<CompatibilityResponse>(path, "POST", body)).data;
        } catch (error) {
          // 422: the registry refused the candidate itself (not valid for its type): a verdict.
          if (error instanceof RestError && error.status === 422) return { is_compatible: false, messages: [`the registry rejected the candidate: ${error.message}`] };
          throw explain(error, policy.redact);
        }
      });
      if (r.kind !== "ok") return r;
      const given = Array.isArray(r.value.messages) ? r.value.messages.map(messageText).filter((m) => m.length > 0) : [];
      if (r.value.is_compatible === false) {
        compatible = false;
        messages.push(...given.map((m) => (against.length > 1 && !/\bversion\b/i.test(m) ? `against version ${version}: ${m}` : m)));
      }
    }
    return ok({ compatible, messages: [...new Set(messages)], checkedAgainst: against });
  };

  return {
    subjects: async () => {
      const names = await read("schema registry subjects", () => client.getAllSubjects());
      if (names.kind !== "ok") return names;
      if (names.value === NOT_FOUND) return notRecorded("schema registry subjects");
      const results = await mapBounded([...names.value].sort(), CONCURRENCY, readSubject);
      const subjects: Subject[] = [];
      for (const r of results) {
        if (r.kind !== "ok") return r;
        if (r.value !== NOT_FOUND) subjects.push(r.value); // deleted between the listing and the read
      }
      return ok(subjects);
    },

    proposed: async () => notRecorded("proposed schemas (live registries hold no schemas about to be registered)"),

    schemaVersion,

    testCompatibility: async ({ subject, schemaType, schema, references, level, beforeVersion }) => {
      const numbers = await readVersionNumbers(subject);
      if (numbers.kind !== "ok") return numbers;
      if (numbers.value === NOT_FOUND) return notRecorded(`schema registry subject ${subject}`);
      const own = await readLevel(subject);
      if (own.kind !== "ok") return own;
      const effective = level ?? own.value;
      const targets = numbers.value.filter((v) => beforeVersion === undefined || v < beforeVersion);
      const against = effective.endsWith("_TRANSITIVE") ? targets : targets.slice(-1);

      // The local checker compares with the latest target only, unless transitive: read just those.
      const local = async (): Promise<Readout<CompatibilityAnswer>> => {
        const versions = await readVersions(subject, against);
        if (versions.kind !== "ok") return versions;
        return checkWithReferences({ schemaType, candidate: schema, candidateReferences: references, existing: versions.value, level: effective }, schemaVersion);
      };

      // The registry applies the subject's own level: it cannot answer for another one. NONE and
      // "nothing to check against" need no registry (the local checker still parses the candidate).
      if (effective !== own.value || effective === "NONE" || against.length === 0) {
        const answer = await local();
        if (answer.kind !== "ok") return answer;
        const why = effective !== own.value ? `level ${effective} asked, the subject's is ${own.value}` : "nothing for the registry to check";
        return ok({ ...answer.value, messages: answer.value.messages.map((m) => `local check (${why}): ${m}`) });
      }

      const verdict = await askRegistry(subject, schemaType, schema, references, against);
      if (verdict.kind !== "ok") return verdict;
      if (verdict.value.compatible) return ok({ compatible: true, messages: [], checkedAgainst: against });
      if (verdict.value.messages.length > 0) {
        return ok({ compatible: false, messages: verdict.value.messages.map((m) => `registry: ${m}`), checkedAgainst: against });
      }
      // Incompatible without reasons (Apicurio): the registry's verdict stands, the reasons are local.
      const answer = await local();
      const reasons = answer.kind === "ok" && !answer.value.compatible ? answer.value.messages : [];
      // The verdict is the registry's even when the local check could not run (a reference the
      // registry resolved and this read could not): only the reason is missing then.
      const unknown = answer.kind === "ok" ? "the local check found none" : `the local check could not run (${answer.what}${answer.kind === "unavailable" ? `: ${answer.reason}` : ""})`;
      return ok({
        compatible: false,
        messages: reasons.length
          ? reasons.map((m) => `registry verdict, reason from the local check: ${m}`)
          : [`registry: incompatible under ${effective} against version${against.length > 1 ? "s" : ""} ${against.join(", ")}; it gave no reason and ${unknown}`],
        checkedAgainst: against,
      });
    },
  };
}

/** A version's references as the registry answered them; malformed entries are dropped. */
function referencesOf(given: unknown): { name: string; subject: string; version: number }[] {
  if (!Array.isArray(given)) return [];
  return given.flatMap((r: { name?: unknown; subject?: unknown; version?: unknown }) =>
    typeof r?.name === "string" && r.name && typeof r.subject === "string" && r.subject && Number.isInteger(r.version) && (r.version as number) >= 1
      ? [{ name: r.name, subject: r.subject, version: r.version as number }]
      : [],
  );
}

/** The level of a /config answer, under either spelling; undefined when absent or unknown. */
function levelOf(config: { compatibility?: unknown; compatibilityLevel?: unknown }): CompatibilityLevel | undefined {
  const parsed = CompatibilityLevel.safeParse(config.compatibility ?? config.compatibilityLevel);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Confluent's verbose messages are strings, sometimes rendered objects; newer versions may send
 * objects `{errorType, description, ...}`.
 */
function messageText(message: unknown): string {
  if (typeof message === "string") return message.trim();
  if (message && typeof message === "object") {
    const m = message as { description?: unknown; errorType?: unknown };
    if (typeof m.description === "string") return m.description.trim();
    if (typeof m.errorType === "string") return m.errorType;
    return JSON.stringify(message);
  }
  return String(message);
}

/**
 * An error whose first line says what the registry answered, keeping `status` for the retry
 * rule. The body is scrubbed here, before anything cuts it short: a 401 body that echoes the
 * Authorization header, cut in the middle of its base64, would no longer match the secret.
 */
function explain(error: unknown, redact: (text: string) => string): unknown {
  if (error instanceof RestError) {
    const e = new Error(
      `registry answered HTTP ${error.status}${error.errorCode > 0 ? ` (error_code ${error.errorCode})` : ""}: ${redact(error.message.replace(/^Unknown error: /, ""))}`,
    ) as Error & { status: number };
    e.status = error.status;
    return e;
  }
  const e = error as { code?: unknown; message?: unknown };
  if (typeof e?.code === "string" && typeof e.message === "string" && !e.message.includes(e.code)) {
    const wrapped = new Error(redact(`${e.code}: ${e.message}`)) as Error & { code: string };
    wrapped.code = e.code;
    return wrapped;
  }
  return error;
}
