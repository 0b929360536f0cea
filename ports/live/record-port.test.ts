// Pure parts of the live RecordPort: which offsets to read, the record conversion, the newest-N pick.
// The reading itself is covered against a real broker in record-port.int.test.ts.
import type { KafkaMessage } from "kafkajs";
import { describe, expect, it } from "vitest";
import { RecordSample } from "../../contract/incident.ts";
import { MAX_READ, newestOf, planRanges, printable, toSample } from "./record-port.ts";

const message = (m: Partial<KafkaMessage> & { offset: string }): KafkaMessage =>
  ({ key: null, value: null, timestamp: "1793588400000", attributes: 0, size: 0, headers: {}, ...m }) as unknown as KafkaMessage;

describe("planRanges", () => {
  it("reads the newest `limit` of each non-empty partition, from the log start at most", () => {
    expect(
      planRanges(
        [
          { partition: 1, low: 0n, high: 100n },
          { partition: 0, low: 95n, high: 100n },
          { partition: 2, low: 7n, high: 7n },
        ],
        10,
      ),
    ).toEqual([
      { partition: 0, start: 95n, high: 100n },
      { partition: 1, start: 90n, high: 100n },
    ]);
  });

  it("bounds the total over many partitions, never below an even share of the limit", () => {
    const many = Array.from({ length: 100 }, (_, partition) => ({ partition, low: 0n, high: 1_000_000n }));
    const ranges = planRanges(many, 5000);
    const total = ranges.reduce((n, r) => n + Number(r.high - r.start), 0);
    expect(total).toBe(MAX_READ);
    expect(planRanges(many, 10).every((r) => r.high - r.start === 10n)).toBe(true); // 50 each allowed, 10 wanted
    expect(planRanges(Array.from({ length: 10_000 }, (_, partition) => ({ partition, low: 0n, high: 5n })), 20_000).every((r) => r.high - r.start === 2n)).toBe(true);
  });

  it("nothing to read for an empty topic or a zero limit", () => {
    expect(planRanges([{ partition: 0, low: 3n, high: 3n }], 10)).toEqual([]);
    expect(planRanges([{ partition: 0, low: 0n, high: 3n }], 0)).toEqual([]);
  });
});

describe("toSample", () => {
  it("converts text records and Connect headers to contract strings", () => {
    const sample = toSample(
      2,
      message({
        offset: "9223372036854775806",
        key: Buffer.from("o-1"),
        value: Buffer.from('{"id":"o-1"}\n'),
        headers: { "__connect.errors.offset": Buffer.from("98211"), "x-dup": [Buffer.from("a"), "b"], "x-none": undefined },
      }),
    );
    expect(sample).toEqual({
      partition: 2,
      offset: "9223372036854775806",
      timestamp: "2026-11-02T03:00:00.000Z",
      key: "o-1",
      value: '{"id":"o-1"}\n',
      headers: { "__connect.errors.offset": "98211", "x-dup": "b" },
    });
    expect(() => RecordSample.parse(sample)).not.toThrow();
  });

  it("binary values become base64 with x-encoding; binary keys and headers `base64:`", () => {
    const wire = Buffer.from([0, 0, 0, 0x27, 0x11, 0x06, 0x6f, 0x2d, 0x31]); // valid UTF-8, but control bytes
    const sample = toSample(0, message({ offset: "5", key: Buffer.from([0xff, 0xfe]), value: wire, headers: { bin: Buffer.from([1, 2]) } }));
    expect(sample.value).toBe(wire.toString("base64"));
    expect(sample.headers).toEqual({ bin: "base64:AQI=", "x-encoding": "base64" });
    expect(sample.key).toBe("base64://4=");
  });

  it("null key and value (a tombstone) stay null; a missing timestamp is the epoch", () => {
    expect(toSample(0, message({ offset: "0", timestamp: "-1" }))).toMatchObject({ key: null, value: null, timestamp: "1970-01-01T00:00:00.000Z", headers: {} });
  });

  it("printable text only: invalid UTF-8 and control characters are binary", () => {
    expect(printable(Buffer.from("héllo\tworld\r\n"))).toBe("héllo\tworld\r\n");
    expect(printable(Buffer.from([0xc3]))).toBeUndefined();
    expect(printable(Buffer.from("a\u0000b"))).toBeUndefined();
  });
});

describe("newestOf", () => {
  const r = (partition: number, offset: string, at: string) => ({ partition, offset, timestamp: at, key: null, value: null, headers: {} });
  it("keeps the newest by timestamp, then partition and offset, oldest first", () => {
    const records = [r(0, "10", "2026-01-01T00:00:03Z"), r(1, "2", "2026-01-01T00:00:01Z"), r(0, "9", "2026-01-01T00:00:03Z"), r(1, "3", "2026-01-01T00:00:04Z")];
    expect(newestOf(records, 3).map((x) => `${x.partition}:${x.offset}`)).toEqual(["0:9", "0:10", "1:3"]);
    expect(newestOf(records, 10)).toHaveLength(4);
  });
});
