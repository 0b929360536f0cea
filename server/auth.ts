/**
 * Bearer tokens from the settings (`server.tokens`), each with a role. A presented token is
 * hashed and compared with every configured token's hash by crypto.timingSafeEqual: equal-length
 * digests, every entry compared, so neither the time taken nor an early exit tells how much of
 * a guess was right.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Secret } from "../config/secret.ts";
import type { ServerRole } from "../config/server-settings.ts";

export interface Principal {
  /** The token's configured name, or "token N"; "anonymous" when no token is configured. */
  name: string;
  role: ServerRole;
}

export type Verdict = { ok: true; principal: Principal } | { ok: false; why: "missing" | "invalid" };

const RANK: Record<ServerRole, number> = { "read-only": 0, approver: 1 };

/** Whether a principal of this role may do what `needed` allows. */
export function allows(role: ServerRole, needed: ServerRole): boolean {
  return RANK[role] >= RANK[needed];
}

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

export interface TokenCheck {
  /** True when tokens are configured (otherwise every request is the anonymous approver). */
  readonly enabled: boolean;
  check(authorization: string | undefined): Verdict;
}

export function tokenCheck(tokens: readonly { name?: string | undefined; token: Secret; role: ServerRole }[]): TokenCheck {
  const entries = tokens.map((t, i) => ({ hash: digest(t.token.reveal()), principal: { name: t.name ?? `token ${i + 1}`, role: t.role } }));
  const anonymous: Verdict = { ok: true, principal: { name: "anonymous", role: "approver" } };
  return {
    enabled: entries.length > 0,
    check(authorization) {
      if (!entries.length) return anonymous;
      if (authorization === undefined || authorization === "") return { ok: false, why: "missing" };
      const match = /^Bearer +(\S+) *$/i.exec(authorization);
      if (!match) return { ok: false, why: "invalid" };
      const presented = digest(match[1]!);
      let found: Principal | undefined;
      for (const e of entries) if (timingSafeEqual(presented, e.hash) && !found) found = e.principal;
      return found ? { ok: true, principal: found } : { ok: false, why: "invalid" };
    },
  };
}
