import { describe, expect, it } from "vitest";
import { formsOf, REDACTED, redactor, Secret } from "./secret.ts";

const CANARY = "canary-K3y/+=é!";
const redact = redactor([new Secret(CANARY), new Secret(`ops:${CANARY}`)]);
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

describe("redactor", () => {
  it("removes a secret in every form it travels in", () => {
    const forms = {
      raw: `key ${CANARY} end`,
      json: `{"key":${JSON.stringify(CANARY + '"q')}}`,
      url: `?key=${encodeURIComponent(CANARY)}&x=1`,
      urlLower: `?key=${encodeURIComponent(CANARY).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())}`,
      basic: `Authorization: Basic ${b64(`ops:${CANARY}`)}`,
      base64: `token ${b64(CANARY)}`,
      base64url: `token ${b64(CANARY).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`,
    };
    const out = Object.fromEntries(Object.entries(forms).map(([k, v]) => [k, redact(v)]));
    expect(out).toEqual({
      raw: `key ${REDACTED} end`,
      json: `{"key":"${REDACTED}\\"q"}`,
      url: `?key=${REDACTED}&x=1`,
      urlLower: `?key=${REDACTED}`,
      basic: `Authorization: Basic ${REDACTED}`,
      base64: `token ${REDACTED}`,
      base64url: `token ${REDACTED}`,
    });
  });

  it("finds the secret's base64 wherever it sits in a longer encoded text (any alignment)", () => {
    for (const prefix of ["", "a", "ab", "abc", "user-name:"]) {
      const encoded = b64(`${prefix}${CANARY}tail`);
      const out = redact(`x ${encoded} y`);
      expect(out).toContain(REDACTED);
      for (const core of formsOf(CANARY)) expect(out).not.toContain(core);
    }
  });

  it("scrubs every string and key of a JSON value, leaving the rest as it is", () => {
    const value = { a: [`is ${CANARY}`, 3, null, { [CANARY]: true }], n: 1 };
    expect(redact.deep(value)).toEqual({ a: [`is ${REDACTED}`, 3, null, { [REDACTED]: true }], n: 1 });
    expect(value.a[0]).toBe(`is ${CANARY}`); // a copy: the input is unchanged
  });

  it("scrubs a stream cut anywhere, holding back only what could start a secret", () => {
    const text = `the key is ${CANARY}, and ${b64(`ops:${CANARY}`)} too.`;
    for (let size = 1; size <= 7; size++) {
      const s = redact.stream();
      let out = "";
      for (let i = 0; i < text.length; i += size) out += s.push(text.slice(i, i + size));
      out += s.end();
      expect(out).toBe(`the key is ${REDACTED}, and ${REDACTED} too.`);
    }
    const s = redact.stream();
    expect(s.push("nothing secret here ")).toBe("nothing secret here ");
    expect(s.push("and can")).toBe("and "); // "can" could start the canary
    expect(s.push("dy")).toBe("candy");
  });

  it("is a no-op without secrets", () => {
    expect(redactor([]).empty).toBe(true);
    expect(redactor([]).deep({ a: 1 })).toEqual({ a: 1 });
    expect(redactor([new Secret("")]).empty).toBe(true);
  });

  it("removes a secret's hex, lower and upper case, also inside a longer dump", () => {
    const hex = Buffer.from(CANARY, "utf8").toString("hex");
    expect(redact(`header auth=${hex}`)).toBe(`header auth=${REDACTED}`);
    expect(redact(`bytes 00ff${hex.toUpperCase()}0a`)).toBe(`bytes 00ff${REDACTED}0a`);
    expect(formsOf("abcd")).toContain("61626364");
  });

  it("removes a secret's hex written byte by byte, with separators or as escapes", () => {
    const pairs = [...Buffer.from(CANARY, "utf8")].map((b) => b.toString(16).padStart(2, "0"));
    for (const dump of [pairs.join(" "), pairs.join(":"), pairs.join("-").toUpperCase(), pairs.map((p) => `\\x${p}`).join(""), pairs.map((p) => `\\x${p.toUpperCase()}`).join("")]) {
      expect(redact(`0000: ${dump} |....|`)).toBe(`0000: ${REDACTED} |....|`);
    }
    expect(formsOf("abcd")).toEqual(expect.arrayContaining(["61 62 63 64", "61:62:63:64", "61-62-63-64", "\\x61\\x62\\x63\\x64"]));
  });

  it("redacts a secret under 4 characters only where a credential stands, never in ordinary text", () => {
    const r = redactor([new Secret("pw"), new Secret("4/2")]);
    expect(r.empty).toBe(false);
    const cases = {
      "password=pw&user=ops": `password=${REDACTED}&user=ops`,
      'sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="ops" password="pw";': `sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="ops" password="${REDACTED}";`,
      '{"sasl":{"password":"pw"},"token": "4/2"}': `{"sasl":{"password":"${REDACTED}"},"token": "${REDACTED}"}`,
      "OPENAI_API_KEY=pw": `OPENAI_API_KEY=${REDACTED}`,
      "Authorization: Bearer pw": `Authorization: Bearer ${REDACTED}`,
      "PASSWORD: pw": `PASSWORD: ${REDACTED}`,
      "secret=4%2F2": `secret=${REDACTED}`,
      // Not the whole token, another value, or no credential key: left as it is.
      "password=pwd123": "password=pwd123",
      "password=PW": "password=PW",
      "password=pw.old": "password=pw.old",
      "the pw of partition 4/2 is low; pw": "the pw of partition 4/2 is low; pw",
      "upgrade pw-tools, keyword=pw": "upgrade pw-tools, keyword=pw",
    };
    expect(Object.fromEntries(Object.keys(cases).map((k) => [k, r(k)]))).toEqual(cases);
    // A string that is exactly the secret (a JSON field's whole value) is one.
    expect(r.deep({ user: "ops", pass: "pw", note: "pw is short" })).toEqual({ user: "ops", pass: REDACTED, note: "pw is short" });
  });

  it("scrubs a short secret's credential position in a stream cut anywhere", () => {
    const r = redactor([new Secret("pw")]);
    const text = "connecting with password=pw; retrying with password=pwd (wrong) and token: pw.";
    for (let size = 1; size <= 9; size++) {
      const s = r.stream();
      let out = "";
      for (let i = 0; i < text.length; i += size) out += s.push(text.slice(i, i + size));
      out += s.end();
      expect(out).toBe(`connecting with password=${REDACTED}; retrying with password=pwd (wrong) and token: ${REDACTED}.`);
    }
  });
});
