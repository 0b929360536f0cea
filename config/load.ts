/**
 * Where settings come from, in order of precedence: command-line flags, environment
 * variables, a JSON config file (`--config` or KAFKA_OPS_CONFIG). Validated once, here.
 */
import { readFileSync } from "node:fs";
import { parseJsonText, parseWith } from "../contract/parse.ts";
import { BadInputError } from "../errors.ts";
import { awsRegionOf } from "./flavors.ts";
import { rememberSecrets, Secret } from "./secret.ts";
import { Settings, secretsOf, type SettingsInput } from "./settings.ts";

export interface SettingsFlags {
  config?: string;
  bootstrap?: string;
  schemaRegistry?: string;
  prometheus?: string;
  samples?: string;
  interval?: string;
  deadline?: string;
}

/** The environment variables read, and what they set. */
export const ENVIRONMENT = {
  KAFKA_OPS_CONFIG: "path of a JSON settings file",
  KAFKA_BOOTSTRAP_SERVERS: "comma-separated host:port list",
  KAFKA_SECURITY_PROTOCOL: "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL",
  KAFKA_SASL_MECHANISM: "PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or AWS_MSK_IAM",
  KAFKA_SASL_USERNAME: "SASL user name",
  KAFKA_SASL_PASSWORD: "SASL password (never logged)",
  KAFKA_SASL_OAUTHBEARER_TOKEN: "OAuth bearer token, fixed (never logged)",
  KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: "a shell command that prints an OAuth bearer token (plain, or JSON with access_token and expires_in); run again before the token expires",
  KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL: "OAuth 2 token endpoint: tokens by the client_credentials grant, refreshed before they expire",
  KAFKA_SASL_OAUTHBEARER_CLIENT_ID: "client id at the token endpoint",
  KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET: "client secret at the token endpoint (never logged)",
  KAFKA_SASL_OAUTHBEARER_SCOPE: "scope asked of the token endpoint (optional)",
  KAFKA_SASL_OAUTHBEARER_EXTENSIONS: "SASL extensions sent with the token, key=value,key=value (Confluent Cloud: logicalCluster=lkc-...,identityPoolId=pool-...)",
  AWS_REGION: "AWS_MSK_IAM: the region tokens are signed for, when neither kafka.sasl.region nor the bootstrap hosts say it (credentials: the AWS SDK's default chain)",
  KAFKA_OPS_FLAVOR: "the platform: apache, confluent-cloud, msk, msk-serverless or redpanda (default: detected from the bootstrap hosts)",
  SCHEMA_REGISTRY_URL: "Schema Registry base URL",
  SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO: "user:password for the registry (never logged)",
  PROMETHEUS_URL: "Prometheus HTTP API base URL for broker and client metrics",
  OPENAI_API_KEY: "API key of the OpenAI(-compatible) endpoint; setting it turns the LLM on (never logged)",
  OPENAI_BASE_URL: "an OpenAI-compatible endpoint (default api.openai.com); setting it turns the LLM on",
  KAFKA_OPS_LLM_MODEL: "model name (default gpt-4o-mini); setting it turns the LLM on",
  KAFKA_OPS_STATE_DIR: "directory of the SQLite state file of investigations awaiting approval (default ~/.kafka-ops)",
  KAFKA_OPS_POSTGRES_URL: "postgres:// URL: keep investigations awaiting approval in PostgreSQL instead (never logged)",
} as const;

export interface LoadOptions {
  /**
   * Whether the command talks to the cluster (Kafka, the registry, Prometheus). A replay does
   * not: their settings are then left out before validation, so that SASL variables without
   * bootstrap servers, say, do not stop `investigate <file> --llm` or `chat --incident`.
   */
  connects?: boolean;
}

/** The settings sections only a command that reads the cluster uses. */
const CONNECTION_SECTIONS = ["kafka", "schemaRegistry", "prometheus"] as const;

export function loadSettings(flags: SettingsFlags, env: Record<string, string | undefined>, options: LoadOptions = {}): Settings {
  const file = flags.config ?? env.KAFKA_OPS_CONFIG;
  const fromFile = file ? readSettingsFile(file) : {};
  const merged = withMskRegion(withoutOrphanCredentials(merge(merge(fromFile, keepFileTls(fromEnv(env), fromFile)), fromFlags(flags))), env);
  if (options.connects === false) {
    // Left out, but their secrets are still known to the redactor: configured is configured.
    rememberSecrets(unvalidatedSecrets(merged));
    for (const section of CONNECTION_SECTIONS) delete merged[section];
  }
  const settings = parseWith(Settings, merged, file ?? "settings", "settings");
  rememberSecrets(secretsOf(settings));
  return settings;
}

/** The secrets of settings that are not validated (a replay's connection sections), as given. */
function unvalidatedSecrets(merged: Record<string, unknown>): Secret[] {
  const out: Secret[] = [];
  const kafka = merged.kafka;
  const sasl = isPlain(kafka) ? kafka.sasl : undefined;
  const registry = merged.schemaRegistry;
  const basic = isPlain(registry) ? registry.basicAuth : undefined;
  const endpoint = isPlain(sasl) && isPlain(sasl.tokenEndpoint) ? sasl.tokenEndpoint : undefined;
  for (const [user, secret] of [
    isPlain(sasl) ? [sasl.username, sasl.password ?? sasl.token] : [],
    endpoint ? [endpoint.clientId, endpoint.clientSecret] : [],
    isPlain(basic) ? [basic.username, basic.password] : [],
  ]) {
    if (typeof secret !== "string" || !secret) continue;
    out.push(new Secret(secret));
    if (typeof user === "string" && user) out.push(new Secret(`${user}:${secret}`));
  }
  return out;
}

/**
 * Registry credentials apply whichever way the URL was given (flag, environment or file); with
 * no URL anywhere there is no registry to send them to, so they are dropped, not an error.
 */
function withoutOrphanCredentials(merged: Record<string, unknown>): Record<string, unknown> {
  const registry = merged.schemaRegistry;
  if (isPlain(registry) && registry.url === undefined && Object.keys(registry).every((k) => k === "basicAuth")) {
    const { schemaRegistry: _unused, ...rest } = merged;
    return rest;
  }
  return merged;
}

function readSettingsFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new BadInputError(path, "$", "settings file not found or not readable");
  }
  const value = parseJsonText(text, path);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new BadInputError(path, "settings", "expected object");
  return value as Record<string, unknown>;
}

function fromEnv(env: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const kafka: Record<string, unknown> = {};
  if (env.KAFKA_BOOTSTRAP_SERVERS) kafka.bootstrap = env.KAFKA_BOOTSTRAP_SERVERS.split(",").map((s) => s.trim());
  const protocol = env.KAFKA_SECURITY_PROTOCOL?.toUpperCase();
  if (protocol === "SSL" || protocol === "SASL_SSL") kafka.ssl = true;
  // AWS_MSK_IAM as the Java library names it, aws-msk-iam in the settings file.
  const mechanism = env.KAFKA_SASL_MECHANISM?.toLowerCase().replace(/_/g, "-");
  if (mechanism === "oauthbearer") kafka.sasl = { mechanism, ...oauthBearerFromEnv(env) };
  else if (mechanism === "aws-msk-iam") kafka.sasl = { mechanism };
  else if (mechanism) kafka.sasl = { mechanism, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD };
  if (env.KAFKA_OPS_FLAVOR) kafka.flavor = env.KAFKA_OPS_FLAVOR.toLowerCase();
  if (Object.keys(kafka).length) out.kafka = kafka;
  // The credentials stand on their own: the URL may come from --schema-registry or the file.
  const info = env.SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO;
  const colon = info?.indexOf(":") ?? -1;
  const registry = {
    ...(env.SCHEMA_REGISTRY_URL && { url: env.SCHEMA_REGISTRY_URL }),
    ...(info && colon > 0 && { basicAuth: { username: info.slice(0, colon), password: info.slice(colon + 1) } }),
  };
  if (Object.keys(registry).length) out.schemaRegistry = registry;
  if (env.PROMETHEUS_URL) out.prometheus = { url: env.PROMETHEUS_URL };
  const llm: Record<string, unknown> = {};
  if (env.OPENAI_API_KEY) llm.apiKey = env.OPENAI_API_KEY;
  if (env.OPENAI_BASE_URL) llm.baseUrl = env.OPENAI_BASE_URL;
  if (env.KAFKA_OPS_LLM_MODEL) llm.model = env.KAFKA_OPS_LLM_MODEL;
  if (Object.keys(llm).length) out.llm = llm;
  const state = { ...(env.KAFKA_OPS_STATE_DIR && { dir: env.KAFKA_OPS_STATE_DIR }), ...(env.KAFKA_OPS_POSTGRES_URL && { postgres: { url: env.KAFKA_OPS_POSTGRES_URL } }) };
  if (Object.keys(state).length) out.state = state;
  return out;
}

/** The OAUTHBEARER token source the environment names: only the variables that are set. */
function oauthBearerFromEnv(env: Record<string, string | undefined>): Record<string, unknown> {
  const endpoint = {
    ...(env.KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL && { url: env.KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL }),
    ...(env.KAFKA_SASL_OAUTHBEARER_CLIENT_ID && { clientId: env.KAFKA_SASL_OAUTHBEARER_CLIENT_ID }),
    ...(env.KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET && { clientSecret: env.KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET }),
    ...(env.KAFKA_SASL_OAUTHBEARER_SCOPE && { scope: env.KAFKA_SASL_OAUTHBEARER_SCOPE }),
  };
  const extensions = env.KAFKA_SASL_OAUTHBEARER_EXTENSIONS;
  return {
    ...(env.KAFKA_SASL_OAUTHBEARER_TOKEN && { token: env.KAFKA_SASL_OAUTHBEARER_TOKEN }),
    ...(env.KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND && { tokenCommand: env.KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND }),
    ...(Object.keys(endpoint).length && { tokenEndpoint: endpoint }),
    // librdkafka's sasl.oauthbearer.extensions format; a pair without "=" is kept as a key with
    // an empty value, which the schema's name check then reports.
    ...(extensions && {
      extensions: Object.fromEntries(
        extensions.split(",").filter((pair) => pair.trim()).map((pair) => {
          const eq = pair.indexOf("=");
          return eq < 0 ? [pair.trim(), ""] : [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
        }),
      ),
    }),
  };
}

/**
 * An MSK IAM token is signed for a region. Said in the settings, it stands; otherwise the
 * bootstrap hosts say it (b-1.c.x.c2.kafka.<region>.amazonaws.com), and only then AWS_REGION:
 * AWS_REGION is the SDK's general default, often set for other reasons, and a token signed for
 * the wrong region is refused by the broker.
 */
function withMskRegion(merged: Record<string, unknown>, env: Record<string, string | undefined>): Record<string, unknown> {
  const kafka = merged.kafka;
  if (!isPlain(kafka) || !isPlain(kafka.sasl) || kafka.sasl.mechanism !== "aws-msk-iam" || kafka.sasl.region !== undefined) return merged;
  const bootstrap = Array.isArray(kafka.bootstrap) ? kafka.bootstrap.filter((b): b is string => typeof b === "string") : [];
  const region = awsRegionOf(bootstrap) ?? env.AWS_REGION;
  return region ? { ...merged, kafka: { ...kafka, sasl: { ...kafka.sasl, region } } } : merged;
}

function fromFlags(flags: SettingsFlags): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (flags.bootstrap) out.kafka = { bootstrap: flags.bootstrap.split(",").map((s) => s.trim()) };
  if (flags.schemaRegistry) out.schemaRegistry = { url: flags.schemaRegistry };
  if (flags.prometheus) out.prometheus = { url: flags.prometheus };
  const sampling: Record<string, unknown> = {};
  if (flags.samples !== undefined) sampling.samples = Number(flags.samples);
  if (flags.interval !== undefined) sampling.interval = /^\d+$/.test(flags.interval) ? Number(flags.interval) : flags.interval;
  if (Object.keys(sampling).length) out.sampling = sampling;
  if (flags.deadline !== undefined) out.calls = { deadline: /^\d+$/.test(flags.deadline) ? Number(flags.deadline) : flags.deadline };
  return out;
}

/** Deep merge of plain objects; later wins; arrays are replaced, not concatenated. */
/**
 * KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL says "TLS on" (ssl: true); a settings file that already
 * says how (ssl: { ca, cert, key }) must keep its CA and client certificate rather than be
 * replaced by the bare `true`.
 */
function keepFileTls(fromEnvironment: Record<string, unknown>, fromFile: Record<string, unknown>): Record<string, unknown> {
  const envKafka = fromEnvironment.kafka;
  const fileKafka = fromFile.kafka;
  if (!isPlain(envKafka) || envKafka.ssl !== true || !isPlain(fileKafka) || !isPlain(fileKafka.ssl)) return fromEnvironment;
  const { ssl: _on, ...rest } = envKafka;
  return { ...fromEnvironment, kafka: rest };
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlain(b) && isPlain(v) ? merge(b, v) : v;
  }
  return out;
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

// Re-exported for the CLI's help text.
export type { SettingsInput };
