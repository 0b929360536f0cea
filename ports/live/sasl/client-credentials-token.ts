/**
 * OAUTHBEARER tokens from an OAuth 2 token endpoint by the client_credentials grant (RFC 6749
 * §4.4), as Apache Kafka's own OAuthBearerLoginCallbackHandler gets them (KIP-768): a POST of
 * `grant_type=client_credentials` (and `scope`), the client authenticated with HTTP Basic
 * (§2.3.1: id and secret form-encoded, then base64), the answer's `access_token` and
 * `expires_in`. An error answer is reported with its `error` and `error_description`.
 */
import { z } from "zod";
import type { Secret } from "../../../config/secret.ts";
import type { TokenGrant } from "./refreshing-token.ts";
import { jwtExpiry } from "./command-token.ts";

export interface ClientCredentials {
  url: string;
  clientId: string;
  clientSecret: Secret;
  scope?: string | undefined;
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
});

const ErrorResponse = z.object({ error: z.string(), error_description: z.string().optional() });

export function clientCredentialsToken(c: ClientCredentials, options: { timeoutMs: number; now?: () => number }): () => Promise<TokenGrant> {
  const now = options.now ?? Date.now;
  const form = (s: string) => encodeURIComponent(s).replace(/%20/g, "+");
  return async () => {
    const body = new URLSearchParams({ grant_type: "client_credentials", ...(c.scope && { scope: c.scope }) });
    const basic = Buffer.from(`${form(c.clientId)}:${form(c.clientSecret.reveal())}`).toString("base64");
    const sentAt = now();
    let response: Response;
    try {
      response = await fetch(c.url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", authorization: `Basic ${basic}` },
        body: body.toString(),
        signal: AbortSignal.timeout(options.timeoutMs),
        redirect: "error",
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = (error as Error).name === "TimeoutError" ? `no answer within ${options.timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new Error(`token endpoint ${c.url} could not be reached: ${why}`);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const oauth = ErrorResponse.safeParse(json);
      const detail = oauth.success ? `${oauth.data.error}${oauth.data.error_description ? `: ${oauth.data.error_description}` : ""}` : "no OAuth error in the answer";
      throw new Error(`token endpoint ${c.url} answered HTTP ${response.status}: ${detail}`);
    }
    const ok = TokenResponse.safeParse(json);
    if (!ok.success) throw new Error(`token endpoint ${c.url} answered without an access_token${json === undefined ? " (not JSON)" : ""}`);
    const { access_token, expires_in } = ok.data;
    const expiresAt = expires_in !== undefined && expires_in > 0 ? sentAt + expires_in * 1000 : jwtExpiry(access_token);
    return { token: access_token, ...(expiresAt !== undefined && { expiresAt }) };
  };
}
