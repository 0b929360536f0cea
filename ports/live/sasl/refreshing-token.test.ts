import { describe, expect, it } from "vitest";
import { redactor, Secret } from "../../../config/secret.ts";
import { refreshingToken, refreshPoint, TokenError, type TokenGrant } from "./refreshing-token.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 2, 3, 0, 0);

/** A source handing out tok-1, tok-2, ... valid `lifetimeMs` from the fake now, or failing on demand. */
function source(clock: { now: number }, lifetimeMs: number | undefined) {
  let n = 0;
  const state = { calls: 0, failWith: undefined as string | undefined };
  const fetch = async (): Promise<TokenGrant> => {
    state.calls++;
    if (state.failWith) throw new Error(state.failWith);
    n++;
    return { token: `tok-${n}`, ...(lifetimeMs !== undefined && { expiresAt: clock.now + lifetimeMs }) };
  };
  return { fetch, state };
}

describe("the refresh point", () => {
  it("is 80% of the lifetime or one minute before expiry, whichever is earlier", () => {
    expect((refreshPoint(T0, T0 + 15 * MIN) - T0) / 1000).toBe(720); // MSK IAM: at 12 of 15 minutes
    expect((refreshPoint(T0, T0 + 60 * MIN) - T0) / 1000).toBe(2880); // an hour: at 48 minutes
    expect((refreshPoint(T0, T0 + 2 * MIN) - T0) / 1000).toBe(60); // two minutes: one minute before
    expect((refreshPoint(T0, T0 + 30_000) - T0) / 1000).toBe(0); // under a minute: every time
  });
});

describe("a refreshing token", () => {
  it("is fetched once, kept until its refresh point, then renewed before it expires", async () => {
    const clock = { now: T0 };
    const { fetch, state } = source(clock, 15 * MIN);
    const t = refreshingToken({ label: "SASL test", fetch, now: () => clock.now });
    expect(await Promise.all([t.token(), t.token(), t.token()])).toEqual(["tok-1", "tok-1", "tok-1"]);
    expect(state.calls).toBe(1);
    clock.now = T0 + 12 * MIN - 1;
    expect(await t.token()).toBe("tok-1");
    clock.now = T0 + 12 * MIN;
    expect(await t.token()).toBe("tok-2");
    expect([state.calls, t.refreshAt()! - T0]).toEqual([2, 24 * MIN]);
  });

  it("without a stated expiry is fetched again after the assumed lifetime", async () => {
    const clock = { now: T0 };
    const { fetch } = source(clock, undefined);
    const t = refreshingToken({ label: "SASL test", fetch, now: () => clock.now, assumedLifetimeMs: 5 * MIN });
    expect(await t.token()).toBe("tok-1");
    expect(t.refreshAt()! - T0).toBe(4 * MIN);
  });

  it("keeps a still-valid token when a renewal fails, says so once, and tries again 30 s later", async () => {
    const clock = { now: T0 };
    const { fetch, state } = source(clock, 15 * MIN);
    const lines: string[] = [];
    const t = refreshingToken({ label: "SASL OAUTHBEARER (token endpoint)", fetch, now: () => clock.now, onRefreshFailure: (l) => lines.push(l) });
    await t.token();
    clock.now = T0 + 12 * MIN;
    state.failWith = "token endpoint https://idp.example/token answered HTTP 503: temporarily_unavailable";
    expect(await t.token()).toBe("tok-1");
    expect(await t.token()).toBe("tok-1"); // within the 30 s: not asked again
    expect([state.calls, lines]).toEqual([
      2,
      ["SASL OAUTHBEARER (token endpoint): could not get a token: token endpoint https://idp.example/token answered HTTP 503: temporarily_unavailable (the current token stays in use until 2026-12-02T03:15:00.000Z)"],
    ]);
    clock.now = T0 + 12 * MIN + 30_000;
    state.failWith = undefined;
    expect(await t.token()).toBe("tok-2");
  });

  it("once expired, fails with one line naming the mechanism, the source's reason scrubbed of secrets", async () => {
    const clock = { now: T0 };
    const { fetch, state } = source(clock, 15 * MIN);
    const secret = new Secret("client-secret-9f8e7d");
    const t = refreshingToken({ label: "SASL OAUTHBEARER (token endpoint)", fetch, now: () => clock.now, redact: redactor([secret]) });
    await t.token();
    clock.now = T0 + 15 * MIN;
    state.failWith = "token endpoint https://idp.example/token answered HTTP 401: invalid_client: bad secret client-secret-9f8e7d\n    at stack frame";
    const error = await t.token().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe("SASL OAUTHBEARER (token endpoint): could not get a token: token endpoint https://idp.example/token answered HTTP 401: invalid_client: bad secret [redacted]");
  });

  it("refuses a token that is already expired or empty", async () => {
    const clock = { now: T0 };
    const expired = refreshingToken({ label: "SASL test", fetch: async () => ({ token: "old", expiresAt: T0 - 1 }), now: () => clock.now });
    await expect(expired.token()).rejects.toThrow("SASL test: could not get a token: the source gave a token that expired at 2026-12-02T02:59:59.999Z");
    const empty = refreshingToken({ label: "SASL test", fetch: async () => ({ token: "" }), now: () => clock.now });
    await expect(empty.token()).rejects.toThrow("SASL test: could not get a token: the source gave an empty token");
  });
});
