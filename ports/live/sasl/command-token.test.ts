/** Token commands, run for real (/bin/sh, /bin/echo, a missing binary), with a fixed "now". */
import { describe, expect, it } from "vitest";
import { commandToken, jwtExpiry, parseTokenOutput } from "./command-token.ts";
import { saslTokenProvider } from "./token-provider.ts";

const NOW = Date.UTC(2026, 11, 2, 3, 0, 0);
const jwt = (claims: object) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.c2lnbmF0dXJl`;
const run = (command: string | string[], timeoutMs = 10_000) => commandToken(command, { timeoutMs, now: () => NOW })();
const failure = (command: string | string[], timeoutMs?: number) => run(command, timeoutMs).then(() => "resolved", (e: Error) => e.message);

describe("a token command", () => {
  it("prints JSON: the token and its expiry in expires_in seconds", async () => {
    expect(await run(`printf '{"access_token":"at-123","token_type":"Bearer","expires_in":3600}'`)).toEqual({ token: "at-123", expiresAt: NOW + 3_600_000 });
  });

  it("prints a JWT alone: it expires at its exp claim", async () => {
    const token = jwt({ sub: "kafka-ops", exp: NOW / 1000 + 900 });
    expect(await run(`echo ${token}`)).toEqual({ token, expiresAt: NOW + 900_000 });
  });

  it("given as a list runs without a shell", async () => {
    expect(await run(["/bin/echo", "tok-$HOME"])).toEqual({ token: "tok-$HOME" });
  });

  it("that fails says how, with its stderr's first line", async () => {
    expect(await failure(`echo "session expired: run 'idp login'" >&2; exit 3`)).toBe(`token command "echo \\"session expired: run 'idp login'\\" >&2; exit 3" exited with code 3: session expired: run 'idp login'`);
    expect(await failure(["/nonexistent/print-token"])).toBe('token command "/nonexistent/print-token" could not run (ENOENT)');
    expect(await failure(["/bin/sleep", "5"], 200)).toBe('token command "/bin/sleep 5" did not finish within 200 ms');
    expect(await failure("printf 'two words'")).toBe(`token command "printf 'two words'" printed more than one word: expected the token alone, or JSON`);
  });
});

describe("token output", () => {
  it("reads token/access_token and expires_at as ISO-8601 or epoch seconds", () => {
    expect(parseTokenOutput('{"token":"t1","expires_at":"2026-12-02T04:00:00Z"}', NOW)).toEqual({ token: "t1", expiresAt: Date.UTC(2026, 11, 2, 4) });
    expect(parseTokenOutput('{"token":"t2","expires_at":1796180400}', NOW)).toEqual({ token: "t2", expiresAt: 1_796_180_400_000 });
    expect(parseTokenOutput('{"token":"t3"}', NOW)).toEqual({ token: "t3" });
    expect(() => parseTokenOutput('{"accessToken":"x"}', NOW)).toThrow('printed JSON without a token (expected "access_token" or "token")');
    expect(() => parseTokenOutput("  \n", NOW)).toThrow("printed nothing");
  });

  it("finds no expiry in what is not a JWT", () => {
    expect([jwtExpiry("a.b"), jwtExpiry("x.not-json.y"), jwtExpiry(jwt({ sub: "x" }))]).toEqual([undefined, undefined, undefined]);
  });
});

describe("the token provider", () => {
  it("hands both clients one provider per settings, with the SASL extensions", async () => {
    const sasl = { mechanism: "oauthbearer" as const, tokenCommand: ["/bin/echo", "cc-token-1"], extensions: { logicalCluster: "lkc-abc12" } };
    const a = saslTokenProvider(sasl, { timeoutMs: 10_000 });
    const b = saslTokenProvider(sasl, { timeoutMs: 10_000 });
    expect(a).toBe(b);
    expect([await a.token(), a.extensions]).toEqual(["cc-token-1", { logicalCluster: "lkc-abc12" }]);
  });
});
