/**
 * MSK IAM tokens from the real signer (aws-msk-iam-sasl-signer-js) over the real AWS default
 * credential chain; the AWS endpoints it calls (STS for web identity, the ECS container
 * credentials endpoint) answer through nock, the clock is fake (Date only), the network is off.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { mskIamToken } from "./msk-iam-token.ts";
import { saslTokenProvider } from "./token-provider.ts";

const T0 = Date.UTC(2026, 11, 2, 3, 0, 0);
const ACCESS_KEY = "ASIAQEXAMPLE7MSKKEY1";
const SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE+session/token=value";
const dir = mkdtempSync(join(tmpdir(), "kafka-ops-aws-"));

let savedEnv: NodeJS.ProcessEnv;
beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
  savedEnv = { ...process.env };
  // Only what each test sets: no credentials, profile or metadata endpoint of this machine.
  for (const k of Object.keys(process.env)) if (k.startsWith("AWS_")) delete process.env[k];
  process.env.AWS_CONFIG_FILE = join(dir, "no-config");
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, "no-credentials");
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
  process.env = savedEnv;
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

/** The presigned URL inside a token, and its query. */
function decode(token: string): { url: URL; query: Record<string, string> } {
  expect(token).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, unpadded
  const url = new URL(Buffer.from(token, "base64url").toString("utf8"));
  return { url, query: Object.fromEntries(url.searchParams) };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe("MSK IAM tokens", () => {
  it("sign kafka-cluster:Connect for the region with credentials from STS web identity (EKS IRSA)", async () => {
    const tokenFile = join(dir, "web-identity-token");
    writeFileSync(tokenFile, "eyJhbGciOiJSUzI1NiJ9.web-identity.signature");
    process.env.AWS_ROLE_ARN = "arn:aws:iam::123456789012:role/kafka-ops";
    process.env.AWS_WEB_IDENTITY_TOKEN_FILE = tokenFile;
    let form: Record<string, string> = {};
    nock("https://sts.eu-west-1.amazonaws.com")
      .post("/")
      .reply(async (request: Request) => {
        form = Object.fromEntries(new URLSearchParams(await request.text()));
        return [200, stsAnswer(iso(T0 + 3_600_000)), { "content-type": "text/xml" }];
      });

    const grant = await mskIamToken({ region: "eu-west-1", credentialRetries: 0 })();

    expect(form).toEqual({
      Action: "AssumeRoleWithWebIdentity",
      Version: "2011-06-15",
      RoleArn: "arn:aws:iam::123456789012:role/kafka-ops",
      RoleSessionName: "MSKSASLDefaultSession",
      WebIdentityToken: "eyJhbGciOiJSUzI1NiJ9.web-identity.signature",
    });
    const { url, query } = decode(grant.token);
    expect([url.protocol, url.host, url.pathname]).toEqual(["https:", "kafka.eu-west-1.amazonaws.com", "/"]);
    expect(Object.keys(query).sort()).toEqual([
      "Action", "User-Agent", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-Security-Token", "X-Amz-Signature", "X-Amz-SignedHeaders",
    ]);
    expect({ ...query, "X-Amz-Signature": query["X-Amz-Signature"]!.length }).toEqual({
      Action: "kafka-cluster:Connect",
      "User-Agent": "aws-msk-iam-sasl-signer-js/1.0.3",
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Credential": `${ACCESS_KEY}/20261202/eu-west-1/kafka-cluster/aws4_request`,
      "X-Amz-Date": "20261202T030000Z",
      "X-Amz-Expires": "900",
      "X-Amz-Security-Token": SESSION_TOKEN,
      "X-Amz-Signature": 64,
      "X-Amz-SignedHeaders": "host",
    });
    expect(grant.expiresAt).toBe(T0 + 900_000);
  });

  it("are renewed before the 15 minutes are up, never outlive their credentials, and a failure is one line with no credential in it", async () => {
    process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI = "/v2/credentials/task-7";
    const container = () => nock("http://169.254.170.2").get("/v2/credentials/task-7");
    container().reply(200, containerAnswer(T0 + 28 * 60_000));
    const lines: string[] = [];
    const provider = saslTokenProvider({ mechanism: "aws-msk-iam", region: "us-east-1" }, { timeoutMs: 1_000, log: (l) => lines.push(l), credentialRetries: 0 });
    const signed = async () => {
      const { query } = decode(await provider.token());
      return `${query["X-Amz-Date"]} for ${query["X-Amz-Expires"]} s`;
    };

    expect(await signed()).toBe("20261202T030000Z for 900 s");
    vi.setSystemTime(T0 + 11 * 60_000 + 59_000); // before 80% of 15 minutes: the same token
    expect(await signed()).toBe("20261202T030000Z for 900 s");
    vi.setSystemTime(T0 + 12 * 60_000); // at 80%: a new one, 3 minutes before the first expires
    expect(await signed()).toBe("20261202T031200Z for 900 s");
    // 80% of the second: the credentials have 4 minutes left, the SDK fails to renew them in the
    // background (the endpoint answers 500) and the token is signed for what they have left.
    container().times(2).reply(500, { message: `internal error for ${ACCESS_KEY}` });
    vi.setSystemTime(T0 + 24 * 60_000);
    expect(await signed()).toBe("20261202T032400Z for 240 s");
    // The credentials expired and cannot be renewed: an error, one line, naming the mechanism
    // and the region, with no credential in it.
    vi.setSystemTime(T0 + 28 * 60_000 + 1_000);
    const error = await provider.token().then(() => undefined, (e: Error) => e);
    expect(error?.message).toBe(
      "SASL aws-msk-iam (region us-east-1): could not get a token: Could not load credentials from any providers (the AWS SDK's default chain: environment, shared config and AWS_PROFILE, SSO, web identity, container and instance metadata)",
    );
    expect(lines).toEqual([]);
    for (const secret of [ACCESS_KEY, SECRET_KEY, SESSION_TOKEN]) expect(error?.message).not.toContain(secret);
  });
});

function containerAnswer(expiresAt: number) {
  return { AccessKeyId: ACCESS_KEY, SecretAccessKey: SECRET_KEY, Token: SESSION_TOKEN, Expiration: iso(expiresAt) };
}

function stsAnswer(expiration: string): string {
  return `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:ops:kafka-ops</SubjectFromWebIdentityToken>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/kafka-ops/MSKSASLDefaultSession</Arn>
      <AssumedRoleId>AROAEXAMPLEROLEID:MSKSASLDefaultSession</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>${SESSION_TOKEN}</SessionToken>
      <SecretAccessKey>${SECRET_KEY}</SecretAccessKey>
      <Expiration>${expiration}</Expiration>
      <AccessKeyId>${ACCESS_KEY}</AccessKeyId>
    </Credentials>
    <Audience>sts.amazonaws.com</Audience>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`;
}
