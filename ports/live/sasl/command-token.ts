/**
 * OAUTHBEARER tokens printed by a command (`kafka.sasl.tokenCommand`): a CLI of the identity
 * provider (`gcloud auth print-access-token`, `az account get-access-token -o json`, a vault
 * helper), run again before the token expires.
 *
 * What it prints (stdout; stderr is only read for an error):
 * - JSON: the token in `access_token` or `token`; its expiry in `expires_in` (seconds from now),
 *   or `expires_at` / `expiresOn` (ISO-8601, or epoch seconds);
 * - or the token itself on one line.
 * A token without a stated expiry that is a JWT expires at its `exp` claim; any other token is
 * fetched again after refreshing-token.ts's assumed lifetime.
 *
 * A string runs through /bin/sh -c (the way an operator writes it in a settings file); a list
 * runs as argv without a shell. The command is the operator's own configuration, never data.
 */
import { execFile } from "node:child_process";
import type { TokenGrant } from "./refreshing-token.ts";

export interface CommandTokenOptions {
  /** Longest wait for the command. */
  timeoutMs: number;
  now?: () => number;
}

/** Largest stdout read: a token response is a few kilobytes. */
const MAX_OUTPUT = 256 * 1024;

export function commandToken(command: string | readonly string[], options: CommandTokenOptions): () => Promise<TokenGrant> {
  const [file, args] = typeof command === "string" ? ["/bin/sh", ["-c", command]] : [command[0]!, command.slice(1)];
  const shown = typeof command === "string" ? command : command.join(" ");
  const now = options.now ?? Date.now;
  return () =>
    new Promise<TokenGrant>((resolve, reject) => {
      execFile(file, args, { timeout: options.timeoutMs, maxBuffer: MAX_OUTPUT, encoding: "utf8", windowsHide: true }, (error, stdout, stderr) => {
        if (error) {
          const why = error.killed
            ? `did not finish within ${options.timeoutMs} ms`
            : typeof error.code === "number"
              ? `exited with code ${error.code}${firstLine(stderr) ? `: ${firstLine(stderr)}` : ""}`
              : `could not run (${error.code ?? error.message})`;
          reject(new Error(`token command ${JSON.stringify(shown)} ${why}`));
          return;
        }
        try {
          resolve(parseTokenOutput(stdout, now()));
        } catch (e) {
          reject(new Error(`token command ${JSON.stringify(shown)} ${(e as Error).message}`));
        }
      });
    });
}

/** The token and its expiry from what a token command printed. */
export function parseTokenOutput(stdout: string, now: number): TokenGrant {
  const text = stdout.trim();
  if (!text) throw new Error("printed nothing");
  if (text.startsWith("{")) {
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new Error("printed something that starts like JSON but is not JSON");
    }
    const token = doc.access_token ?? doc.token;
    if (typeof token !== "string" || !token) throw new Error('printed JSON without a token (expected "access_token" or "token")');
    const expiresAt = expiryOf(doc, now) ?? jwtExpiry(token);
    return { token, ...(expiresAt !== undefined && { expiresAt }) };
  }
  if (/\s/.test(text)) throw new Error("printed more than one word: expected the token alone, or JSON");
  const expiresAt = jwtExpiry(text);
  return { token: text, ...(expiresAt !== undefined && { expiresAt }) };
}

/** `expires_in` (seconds from now), `expires_at` or `expiresOn` (ISO-8601 or epoch seconds). */
function expiryOf(doc: Record<string, unknown>, now: number): number | undefined {
  const inSeconds = Number(doc.expires_in);
  if (doc.expires_in !== undefined && Number.isFinite(inSeconds) && inSeconds > 0) return now + inSeconds * 1000;
  const at = doc.expires_at ?? doc.expiresOn;
  if (typeof at === "number" && Number.isFinite(at)) return at * 1000;
  if (typeof at === "string") {
    if (/^\d+$/.test(at)) return Number(at) * 1000;
    const ms = Date.parse(at);
    if (Number.isFinite(ms)) return ms;
  }
  return undefined;
}

/** The `exp` claim of a JWT (seconds), in ms; undefined for anything that is not a JWT with one. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as { exp?: unknown };
    return typeof claims.exp === "number" && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  return (text.split("\n").find((l) => l.trim()) ?? "").trim().slice(0, 300);
}
