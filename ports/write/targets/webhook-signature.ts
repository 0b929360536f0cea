/**
 * How a webhook request is signed, and how a receiver checks it (exported for receivers written
 * in TypeScript and for the tests). The signature covers the timestamp and the exact body bytes,
 * so neither can be changed, and a receiver that refuses timestamps older than a few minutes
 * cannot be fed a captured request again later.
 *
 *   X-Kafka-Ops-Timestamp: <unix seconds when this attempt was signed>
 *   X-Kafka-Ops-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const TIMESTAMP_HEADER = "x-kafka-ops-timestamp";
export const SIGNATURE_HEADER = "x-kafka-ops-signature";
export const DELIVERY_HEADER = "x-kafka-ops-delivery";
/** How far a receiver should let a timestamp be from its clock (the check below uses it by default). */
export const DEFAULT_TOLERANCE_SEC = 300;

export function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export type SignatureCheck = { ok: true } | { ok: false; why: string };

/** A receiver's check: a well-formed signature of this body and timestamp, with a timestamp within tolerance. */
export function checkSignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowSec: number,
  toleranceSec = DEFAULT_TOLERANCE_SEC,
): SignatureCheck {
  if (!headers.timestamp || !/^\d+$/.test(headers.timestamp)) return { ok: false, why: "missing or malformed timestamp" };
  const timestamp = Number(headers.timestamp);
  if (Math.abs(nowSec - timestamp) > toleranceSec) return { ok: false, why: `timestamp ${timestamp} is more than ${toleranceSec} s from now (${nowSec})` };
  if (!headers.signature) return { ok: false, why: "missing signature" };
  const expected = Buffer.from(signature(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  // Equal lengths first: timingSafeEqual throws on a length mismatch.
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, why: "signature does not match" };
  return { ok: true };
}
