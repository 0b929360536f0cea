/**
 * Connection and run settings: one strict zod schema, parsed once at start-up from flags,
 * environment variables and an optional JSON config file. Nothing deeper reads process.env.
 */
import { z } from "zod";
import { DEFAULT_POLICY, PolicySetting } from "../remediation/policy.ts";
import { ThresholdOverride } from "./thresholds/overrides.ts";
import { DLQ_TOPIC_PATTERN } from "./dlq-topics.ts";
import { Secret } from "./secret.ts";
import { ClusterFlavor } from "../contract/vocabulary.ts";
import { StateSettings, stateSecrets } from "./state-settings.ts";
import { deploymentSecrets, deploymentSettings } from "./deployments.ts";
import { serverSecrets, serverSettings } from "./server-settings.ts";

const secret = z.string().min(1).transform((s) => new Secret(s));

/** Where OAUTHBEARER tokens come from: exactly one of a fixed token, a command, or an OAuth 2 token endpoint. */
const TOKEN_SOURCES = ["token", "tokenCommand", "tokenEndpoint"] as const;

const OAuthBearer = z
  .strictObject({
    mechanism: z.literal("oauthbearer"),
    token: secret.optional().describe("a fixed bearer token (never refreshed: it stops working when it expires)"),
    tokenCommand: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe("a command that prints a token (plain, or JSON with access_token/token and expires_in/expires_at): a string runs in /bin/sh, a list runs without a shell"),
    tokenEndpoint: z
      .strictObject({
        url: z.url().describe("the OAuth 2 token endpoint (client_credentials grant)"),
        clientId: z.string().min(1),
        clientSecret: secret,
        scope: z.string().min(1).optional(),
      })
      .optional(),
    /** SASL extensions sent with the token (RFC 7628; Confluent Cloud wants logicalCluster and identityPoolId). */
    extensions: z
      .record(z.string(), z.string())
      .superRefine((ext, ctx) => {
        for (const key of Object.keys(ext)) if (!/^[A-Za-z]+$/.test(key)) ctx.addIssue({ code: "custom", path: [key], message: "expected an extension name of letters only (RFC 7628)" });
      })
      .optional(),
  })
  .superRefine((v, ctx) => {
    const given = TOKEN_SOURCES.filter((k) => v[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({ code: "custom", message: `expected exactly one of ${TOKEN_SOURCES.join(", ")}${given.length ? `, got ${given.join(" and ")}` : ""}` });
    }
  });

/**
 * The AWS region an MSK IAM token is signed for. config/load.ts fills it when the file does not
 * say it: from the bootstrap hosts (b-1.x.kafka.<region>.amazonaws.com), else AWS_REGION.
 */
const AwsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected an AWS region such as "us-east-1"');

const Sasl = z.discriminatedUnion("mechanism", [
  z.strictObject({ mechanism: z.literal("plain"), username: z.string().min(1), password: secret }),
  z.strictObject({ mechanism: z.literal("scram-sha-256"), username: z.string().min(1), password: secret }),
  z.strictObject({ mechanism: z.literal("scram-sha-512"), username: z.string().min(1), password: secret }),
  OAuthBearer,
  // OAUTHBEARER on the wire, with tokens signed by aws-msk-iam-sasl-signer-js from the AWS SDK's
  // default credential chain (ports/live/sasl/msk-iam-token.ts).
  z
    .strictObject({
      mechanism: z.literal("aws-msk-iam"),
      region: AwsRegion.optional().describe("the MSK cluster's region (default: read from the bootstrap hosts, else AWS_REGION)"),
    })
    // Optional only so that a missing region is said this way rather than "expected string".
    .transform((v, ctx) => {
      if (v.region === undefined) {
        ctx.addIssue({ code: "custom", path: ["region"], message: "the AWS region to sign MSK IAM tokens for: set kafka.sasl.region or AWS_REGION (the bootstrap hosts name none)" });
        return z.NEVER;
      }
      return { mechanism: v.mechanism, region: v.region };
    }),
]);
export type SaslSettings = z.infer<typeof Sasl>;

const Ssl = z.union([
  z.boolean(),
  z.strictObject({
    ca: z.string().optional().describe("path to a PEM CA bundle"),
    cert: z.string().optional().describe("path to a PEM client certificate (mTLS)"),
    key: z.string().optional().describe("path to the PEM client key (mTLS)"),
    rejectUnauthorized: z.boolean().default(true),
  }),
]);

/**
 * A duration, parsed to milliseconds: "15s", "500ms", "2m", "1h", "1.5s", or a bare number
 * (in a flag or the config file), which is SECONDS: `--interval 3` means 3 s, never 3 ms, the
 * unit an operator means when they leave it out. Zero, negative values and anything above a
 * day are rejected: a zero deadline or interval is always a typo, and Node's timers cannot wait
 * past about 24.8 days (they fire at once instead).
 */
export const DURATION_HINT = 'expected a duration such as "15s", "500ms" or "2m" (a bare number is seconds), more than 0 and at most 24h';
const DURATION_TEXT = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const MAX_DURATION_MS = 24 * 3_600_000;

/** Milliseconds of a duration given as text or as a number of seconds; undefined when it is not one. */
export function durationMs(input: string | number): number | undefined {
  let ms: number;
  if (typeof input === "number") ms = input * 1000;
  else {
    const match = DURATION_TEXT.exec(input.trim());
    if (!match) return undefined;
    ms = Number(match[1]) * UNIT_MS[(match[2] ?? "s") as keyof typeof UNIT_MS];
  }
  ms = Math.round(ms);
  return Number.isFinite(ms) && ms >= 1 && ms <= MAX_DURATION_MS ? ms : undefined;
}

export const Duration = z.union([z.number(), z.string()]).transform((input, ctx) => {
  const ms = durationMs(input);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: `${DURATION_HINT}, got ${JSON.stringify(input)}` });
    return z.NEVER;
  }
  return ms;
});

/** Per-investigation LLM budget: beyond it the model is not called and the rules carry on. */
export const LlmBudget = z.strictObject({
  maxCalls: z.number().int().min(0).max(100).default(6),
  maxTokens: z.number().int().min(0).default(30_000),
  maxTime: Duration.default(120_000),
});
export type LlmBudget = z.infer<typeof LlmBudget>;

export const LlmSettings = z.strictObject({
  model: z.string().min(1).default("gpt-4o-mini"),
  /** An OpenAI-compatible endpoint (vLLM, Ollama, a proxy); absent: api.openai.com. */
  baseUrl: z.url().optional(),
  apiKey: secret.optional(),
  temperature: z.number().min(0).max(2).default(0),
  /** Deadline of one model request. */
  timeout: Duration.default(30_000),
  /** Retries of one request on 429/5xx/connection errors, with exponential backoff. */
  maxRetries: z.number().int().min(0).max(10).default(2),
  /** Completion tokens per request. */
  maxCompletionTokens: z.number().int().min(16).default(1_500),
  /** Steps of a specialist's tool-calling loop (model turns). */
  maxSteps: z.number().int().min(1).max(10).default(3),
  /**
   * How a structured answer is asked for: "tool" (a forced, named tool call), "json_schema"
   * (`response_format`, for servers that ignore a named tool_choice, such as llama.cpp's), or
   * "auto": tool calls until a reply comes back without the forced call, then json_schema.
   */
  structuredOutput: z.enum(["auto", "tool", "json_schema"]).default("auto"),
  budget: LlmBudget.default({ maxCalls: 6, maxTokens: 30_000, maxTime: 120_000 }),
});
export type LlmSettings = z.infer<typeof LlmSettings>;

export const Settings = z.strictObject({
  kafka: z
    .strictObject({
      bootstrap: z.array(z.string().regex(/^[^\s:]+:\d+$/, "expected host:port")).min(1),
      clientId: z.string().default("kafka-ops"),
      ssl: Ssl.default(false),
      sasl: Sasl.optional(),
      /**
       * The platform (config/flavors.ts, docs/flavors.md): which operations exist there, so that a
       * plan escalates instead of proposing what the platform cannot do. Absent: detected from the
       * bootstrap hosts when obvious (*.confluent.cloud, *.kafka-serverless.*.amazonaws.com,
       * *.kafka.*.amazonaws.com), else treated as Apache Kafka.
       */
      flavor: ClusterFlavor.optional(),
    })
    .optional(),
  schemaRegistry: z
    .strictObject({
      url: z.url(),
      basicAuth: z.strictObject({ username: z.string().min(1), password: secret }).optional(),
    })
    .optional(),
  prometheus: z.strictObject({ url: z.url() }).optional(),
  sampling: z
    .strictObject({
      samples: z.number().int().min(1).max(100).default(4),
      interval: Duration.default(15_000),
    })
    .default({ samples: 4, interval: 15_000 }),
  /** Every live call's deadline and bounded retry: the one place retries are configured. */
  calls: z
    .strictObject({ deadline: Duration.default(10_000), retries: z.number().int().min(0).max(10).default(2), backoff: Duration.default(200) })
    .default({ deadline: 10_000, retries: 2, backoff: 200 }),
  /** Topics whose name matches are read as dead-letter queues. */
  dlqPattern: z.string().refine(isRegex, "expected a regular expression (JavaScript syntax)").default(DLQ_TOPIC_PATTERN),
  /** Consumer settings of groups, as deployed: brokers cannot report them. */
  clientConfigs: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  /** The remediation policy, inline (remediation/policy.ts, docs/policy.md); the legacy strings "all", "medium-and-above", "high-only" read as the default. */
  policy: PolicySetting.default(DEFAULT_POLICY),
  /**
   * Threshold overrides per topic and per group (`{ topic?, group?, set: { key: value } }`, globs
   * or /regex/ selectors); the most specific match wins, later entries win ties. Keys and their
   * defaults: `kafka-ops thresholds`, docs/thresholds.md.
   */
  thresholds: z.array(ThresholdOverride).default([]),
  /**
   * The LLM, when one takes part (absent: the deterministic rules alone, as without it).
   * Retries live in one place: `maxRetries` of the model's own caller (LangChain's AsyncCaller:
   * exponential backoff from 1 s, factor 2, randomized, honouring Retry-After up to 60 s, on
   * 429, 5xx and connection errors; never on other 4xx). The OpenAI SDK's own retries are off.
   */
  llm: LlmSettings.optional(),
  /** Where investigations waiting for approval are kept: SQLite in `dir` (default ~/.kafka-ops) or PostgreSQL (`postgres.url`). */
  state: StateSettings.default({}),
  /** Deployment targets that run consumer groups (webhook, Kubernetes): config/deployments.ts, docs/deployment-targets.md. */
  deployments: deploymentSettings({ Duration, secret }).optional(),
  /** `kafka-ops serve`: bearer tokens and roles, limits, the default mode (config/server-settings.ts, docs/http-api.md). */
  server: serverSettings({ Duration, secret }).optional(),
  /** The MCP server (`kafka-ops mcp`, docs/mcp.md): read-only unless `mutatingTools` (then every action tool stops at the approval gate); `incidents`: the folder of recorded incidents it serves (default fixtures/incidents). */
  mcp: z.strictObject({ mutatingTools: z.boolean().default(false), incidents: z.string().min(1).optional() }).optional(),
});
export type Settings = z.infer<typeof Settings>;
export type SettingsInput = z.input<typeof Settings>;

function isRegex(source: string): boolean {
  try {
    new RegExp(source, "i");
    return true;
  } catch {
    return false;
  }
}

/**
 * Every secret in the settings, for the redactor: each password, token and key, and each
 * `user:password` pair as one more (its base64 is what an `Authorization: Basic` header, and a
 * server that echoes it, carries).
 */
export function secretsOf(settings: Settings): Secret[] {
  const out: Secret[] = [];
  const sasl = settings.kafka?.sasl;
  if (sasl && "password" in sasl) out.push(sasl.password, new Secret(`${sasl.username}:${sasl.password.reveal()}`));
  else if (sasl?.mechanism === "oauthbearer") {
    if (sasl.token) out.push(sasl.token);
    if (sasl.tokenEndpoint) {
      const { clientId, clientSecret } = sasl.tokenEndpoint;
      out.push(clientSecret, new Secret(`${clientId}:${clientSecret.reveal()}`));
    }
  }
  const basic = settings.schemaRegistry?.basicAuth;
  if (basic) out.push(basic.password, new Secret(`${basic.username}:${basic.password.reveal()}`));
  if (settings.llm?.apiKey) out.push(settings.llm.apiKey);
  out.push(...stateSecrets(settings.state));
  out.push(...deploymentSecrets(settings.deployments));
  out.push(...serverSecrets(settings.server));
  return out;
}
