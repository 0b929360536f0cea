/** The OAuth 2 client_credentials token source against a token endpoint replayed by nock. */
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Secret } from "../../../config/secret.ts";
import { clientCredentialsToken } from "./client-credentials-token.ts";
import { saslTokenProvider } from "./token-provider.ts";

const IDP = "https://idp.example";
const SECRET = "s3cret+with/special=chars";
const NOW = Date.UTC(2026, 11, 2, 3, 0, 0);
const credentials = { url: `${IDP}/oauth2/token`, clientId: "kafka ops", clientSecret: new Secret(SECRET), scope: "kafka:read kafka:write" };
const fetchToken = () => clientCredentialsToken(credentials, { timeoutMs: 5_000, now: () => NOW })();
const failure = (p: Promise<unknown>) => p.then(() => "resolved", (e: Error) => e.message);

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe("the client_credentials token source", () => {
  it("posts the grant with the client in HTTP Basic (form-encoded first) and reads access_token and expires_in", async () => {
    let seen: { authorization: string | null; type: string | null; body: Record<string, string> } | undefined;
    nock(IDP)
      .post("/oauth2/token")
      .reply(async (request: Request) => {
        seen = { authorization: request.headers.get("authorization"), type: request.headers.get("content-type"), body: Object.fromEntries(new URLSearchParams(await request.text())) };
        return [200, JSON.stringify({ access_token: "eyJ.access.token", token_type: "Bearer", expires_in: 3600 }), { "content-type": "application/json" }];
      });
    expect(await fetchToken()).toEqual({ token: "eyJ.access.token", expiresAt: NOW + 3_600_000 });
    expect(seen).toEqual({
      authorization: `Basic ${Buffer.from("kafka+ops:s3cret%2Bwith%2Fspecial%3Dchars").toString("base64")}`,
      type: "application/x-www-form-urlencoded",
      body: { grant_type: "client_credentials", scope: "kafka:read kafka:write" },
    });
  });

  it("reports an OAuth error answer with its error and description", async () => {
    nock(IDP).post("/oauth2/token").reply(401, { error: "invalid_client", error_description: "client authentication failed" });
    expect(await failure(fetchToken())).toBe("token endpoint https://idp.example/oauth2/token answered HTTP 401: invalid_client: client authentication failed");
    nock(IDP).post("/oauth2/token").reply(502, "<html>bad gateway</html>");
    expect(await failure(fetchToken())).toBe("token endpoint https://idp.example/oauth2/token answered HTTP 502: no OAuth error in the answer");
    nock(IDP).post("/oauth2/token").reply(200, { token_type: "Bearer" });
    expect(await failure(fetchToken())).toBe("token endpoint https://idp.example/oauth2/token answered without an access_token");
  });

  it("through the provider: an endpoint that echoes the client secret does not get it printed", async () => {
    nock(IDP).post("/oauth2/token").reply(401, { error: "invalid_client", error_description: `unknown secret ${SECRET}` });
    const provider = saslTokenProvider({ mechanism: "oauthbearer", tokenEndpoint: credentials }, { timeoutMs: 5_000 });
    expect(await failure(provider.token())).toBe(
      "SASL OAUTHBEARER (token endpoint): could not get a token: token endpoint https://idp.example/oauth2/token answered HTTP 401: invalid_client: unknown secret [redacted]",
    );
  });
});
