/**
 * Loopback: what "reachable from this machine only" means for the servers (`serve`, `mcp
 * --http`), in one place. A server bound to a loopback address is still reachable from a
 * browser on this machine through DNS rebinding (a page whose host name is made to resolve to
 * 127.0.0.1 becomes same-origin with the server): the request's Host header then names the
 * attacker's host. So a loopback-bound server answers only requests whose Host is a loopback
 * name or address; a token cannot be replayed that way, but a server without tokens would
 * otherwise let any web page start investigations and approve actions.
 */
import { isIP } from "node:net";

/** 127.0.0.0/8, ::1, localhost: reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1") return true;
  return isIP(h) === 4 && h.startsWith("127.");
}

/** The host part of a Host header (`127.0.0.1:8080`, `[::1]:8080`, `localhost`). */
export function hostOfHeader(header: string | undefined): string {
  if (!header) return "";
  if (header.startsWith("[")) return header.slice(0, header.indexOf("]") + 1);
  return header.split(":")[0]!;
}

/** For a server listening on `listenHost`: whether a request with this Host header may be answered. */
export function hostGuard(listenHost: string): (hostHeader: string | undefined) => boolean {
  if (!isLoopback(listenHost)) return () => true;
  return (header) => isLoopback(hostOfHeader(header));
}

export const FORBIDDEN_HOST = "forbidden: this server listens on loopback and answers only to a loopback Host (127.0.0.1, localhost, [::1])";
