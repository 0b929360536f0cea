/**
 * A token that renews itself before it expires: what an OAUTHBEARER client asks for at every
 * (re)authentication. Both clients ask per authentication and neither caches: kafkajs calls
 * `oauthBearerProvider` on each connection's authenticate, and re-authenticates a connection on
 * its next request once the broker's `session_lifetime_ms` (SaslAuthenticate v1+) is within 10 s;
 * @platformatic/kafka calls its `token` provider on each authenticate and re-authenticates on a
 * timer at 80% of that lifetime. A broker sets the lifetime from the token's expiry (MSK IAM: 15
 * minutes) and `connections.max.reauth.ms`, so a connection outlives any one token.
 *
 * So the token is held here and renewed on the first request after its refresh point: 80% of
 * its lifetime, or one minute before it expires, whichever is earlier. Concurrent
 * authentications share one renewal. A renewal that fails while the held token is still valid
 * keeps that token (and says so once through `onRefreshFailure`), and tries again 30 s later;
 * once it has expired, a failure is an error: one line, naming the mechanism, with no secret in
 * it (the source's text passes through `redact`).
 */

/** What a token source hands back. */
export interface TokenGrant {
  token: string;
  /** Epoch ms; absent when the source does not say (then `assumedLifetimeMs` applies). */
  expiresAt?: number;
}

export interface RefreshingTokenOptions {
  /** Named in errors: "SASL aws-msk-iam", "SASL OAUTHBEARER (token command)". */
  label: string;
  fetch: () => Promise<TokenGrant>;
  now?: () => number;
  /** How long a token whose expiry nobody knows is used before it is fetched again. */
  assumedLifetimeMs?: number;
  /** Scrubs a source's error text of every secret it may hold. */
  redact?: (text: string) => string;
  /** A renewal failed and the held token, still valid, is used meanwhile. */
  onRefreshFailure?: (line: string) => void;
}

export interface RefreshingToken {
  /** A valid token, renewed first when it is due. */
  token(): Promise<string>;
  /** When the held token is due for renewal (epoch ms); undefined before the first token. */
  refreshAt(): number | undefined;
}

/** Refresh at this share of a token's lifetime ... */
export const REFRESH_SHARE = 0.8;
/** ... or this long before it expires, whichever comes first. */
export const REFRESH_AHEAD_MS = 60_000;
/** A token nobody gave an expiry is fetched again after this long. */
export const ASSUMED_LIFETIME_MS = 5 * 60_000;
/** After a failed renewal while the token is still valid, the next try. */
export const RETRY_AFTER_MS = 30_000;

/** An error whose message is already the one line to show. */
export class TokenError extends Error {
  override name = "TokenError";
}

export function refreshingToken(options: RefreshingTokenOptions): RefreshingToken {
  const now = options.now ?? Date.now;
  const redact = options.redact ?? ((s: string) => s);
  let held: { token: string; expiresAt: number; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const renew = async (): Promise<string> => {
    const issuedAt = now();
    let grant: TokenGrant;
    try {
      grant = await options.fetch();
      if (typeof grant.token !== "string" || !grant.token) throw new Error("the source gave an empty token");
      if (grant.expiresAt !== undefined && !(grant.expiresAt > issuedAt)) throw new Error(`the source gave a token that expired at ${new Date(grant.expiresAt).toISOString()}`);
    } catch (error) {
      const line = `${options.label}: could not get a token: ${redact(firstLine(error))}`;
      const current = held;
      if (current && now() < current.expiresAt) {
        current.refreshAt = Math.min(now() + RETRY_AFTER_MS, current.expiresAt);
        options.onRefreshFailure?.(`${line} (the current token stays in use until ${new Date(current.expiresAt).toISOString()})`);
        return current.token;
      }
      throw new TokenError(line, { cause: error });
    }
    const expiresAt = grant.expiresAt ?? issuedAt + (options.assumedLifetimeMs ?? ASSUMED_LIFETIME_MS);
    held = { token: grant.token, expiresAt, refreshAt: refreshPoint(issuedAt, expiresAt) };
    return grant.token;
  };

  return {
    async token() {
      if (held && now() < held.refreshAt) return held.token;
      pending ??= renew().finally(() => (pending = undefined));
      return pending;
    },
    refreshAt: () => held?.refreshAt,
  };
}

/** 80% of the lifetime or a minute before expiry, whichever is earlier (never before issue). */
export function refreshPoint(issuedAt: number, expiresAt: number): number {
  return Math.max(issuedAt, Math.min(issuedAt + (expiresAt - issuedAt) * REFRESH_SHARE, expiresAt - REFRESH_AHEAD_MS));
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]!.trim() || (error instanceof Error ? error.name : "unknown error");
}
