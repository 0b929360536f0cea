/**
 * The one place that turns token-based SASL settings (OAUTHBEARER: a fixed token, a command, an
 * OAuth 2 token endpoint; MSK IAM) into a token provider. Both clients take theirs from here:
 * kafkajs (ports/live/connection.ts) and @platformatic/kafka (ports/write/live/platformatic-admin.ts).
 * Built once per settings object and shared, so both clients' connections use one token and
 * one renewal rather than signing or calling the identity provider each.
 */
import { redactor, rememberSecrets, Secret } from "../../../config/secret.ts";
import type { SaslSettings } from "../../../config/settings.ts";
import { clientCredentialsToken } from "./client-credentials-token.ts";
import { commandToken } from "./command-token.ts";
import { mskIamToken } from "./msk-iam-token.ts";
import { refreshingToken } from "./refreshing-token.ts";

export type TokenSasl = Extract<SaslSettings, { mechanism: "oauthbearer" | "aws-msk-iam" }>;

export interface SaslTokenProvider {
  /** A valid token for the next (re)authentication. */
  token(): Promise<string>;
  /** SASL extensions to send with it (RFC 7628), when configured. */
  extensions?: Record<string, string>;
}

export interface SaslTokenOptions {
  /** Deadline of one token request (a command run, a token endpoint call). */
  timeoutMs: number;
  /** Where a failed renewal is said while the current token still works (kafkajs's log sink). */
  log?: (line: string) => void;
  /** MSK IAM: retries of a credential endpoint (default 3); tests say 0. */
  credentialRetries?: number;
}

interface Shared {
  provider: SaslTokenProvider;
  logs: Set<(line: string) => void>;
}

const built = new WeakMap<TokenSasl, Shared>();

/** Tokens kept for scrubbing: the current one and a few before it. */
const RECENT_TOKENS = 4;
/** Distinct credentials kept (rotated session credentials add up over days of watching). */
const MAX_CREDENTIALS = 64;

export function saslTokenProvider(sasl: TokenSasl, options: SaslTokenOptions): SaslTokenProvider {
  let shared = built.get(sasl);
  if (!shared) {
    const logs = new Set<(line: string) => void>();
    shared = { provider: build(sasl, options, (line) => logs.forEach((log) => log(line))), logs };
    built.set(sasl, shared);
  }
  if (options.log) shared.logs.add(options.log);
  return shared.provider;
}

function build(sasl: TokenSasl, options: SaslTokenOptions, onRefreshFailure: (line: string) => void): SaslTokenProvider {
  // The settings' own secrets, the credentials met since and the latest tokens: an error line
  // is scrubbed of all. Credentials are also remembered process-wide, for the CLI's last-resort
  // error line (tokens change every few minutes and only ever travel to the brokers).
  const fixed: Secret[] = [];
  const credentials = new Map<string, Secret>();
  let tokens: Secret[] = [];
  const learnToken = (token: string) => {
    if (!tokens.some((t) => t.reveal() === token)) tokens = [...tokens, new Secret(token)].slice(-RECENT_TOKENS);
  };
  const learnCredential = (secret: Secret) => {
    if (credentials.has(secret.reveal())) return;
    if (credentials.size >= MAX_CREDENTIALS) credentials.delete(credentials.keys().next().value!);
    credentials.set(secret.reveal(), secret);
    rememberSecrets([secret]);
  };
  const redact = (text: string) => redactor([...fixed, ...credentials.values(), ...tokens])(text);
  if (sasl.mechanism === "aws-msk-iam") {
    const fetch = mskIamToken({
      region: sasl.region,
      ...(options.credentialRetries !== undefined && { credentialRetries: options.credentialRetries }),
      onSecret: (s, what) => (what === "token" ? learnToken(s.reveal()) : learnCredential(s)),
    });
    return { token: refreshingToken({ label: `SASL aws-msk-iam (region ${sasl.region})`, fetch, redact, onRefreshFailure }).token };
  }
  const extensions = sasl.extensions && { extensions: sasl.extensions };
  if (sasl.token) {
    const token = sasl.token;
    return { token: async () => token.reveal(), ...extensions };
  }
  const learned = <T extends { token: string }>(grant: T): T => (learnToken(grant.token), grant);
  if (sasl.tokenCommand) {
    const run = commandToken(sasl.tokenCommand, { timeoutMs: options.timeoutMs });
    const fetch = async () => learned(await run());
    return { token: refreshingToken({ label: "SASL OAUTHBEARER (token command)", fetch, redact, onRefreshFailure }).token, ...extensions };
  }
  const endpoint = sasl.tokenEndpoint!;
  fixed.push(endpoint.clientSecret);
  const call = clientCredentialsToken(endpoint, { timeoutMs: options.timeoutMs });
  const fetch = async () => learned(await call());
  return { token: refreshingToken({ label: "SASL OAUTHBEARER (token endpoint)", fetch, redact, onRefreshFailure }).token, ...extensions };
}
