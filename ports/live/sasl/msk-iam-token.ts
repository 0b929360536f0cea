/**
 * Amazon MSK IAM tokens (`kafka.sasl.mechanism: "aws-msk-iam"`): OAUTHBEARER on the wire, the
 * token a SigV4-presigned `kafka-cluster:Connect` URL for kafka.<region>.amazonaws.com, base64url
 * encoded, valid 15 minutes (less when the credentials expire sooner). Signed by AWS's
 * aws-msk-iam-sasl-signer-js, which returns `{ token, expiryTime }` (1.0.3), from the AWS SDK's
 * default credential chain, the one the signer itself uses (environment, shared config and
 * AWS_PROFILE, SSO, web identity (EKS IRSA), ECS container credentials, EC2 instance metadata).
 *
 * The chain is built once, so credentials are cached until they near their own expiry instead of
 * fetched for every token. Every credential and token it yields is handed to `onSecret`
 * (token-provider.ts: the redactor of its error lines).
 */
import type { generateAuthTokenFromCredentialsProvider as Sign } from "aws-msk-iam-sasl-signer-js";
import { Secret } from "../../../config/secret.ts";
import type { TokenGrant } from "./refreshing-token.ts";

/** The signer's own types, so that no AWS type package is needed beside it. */
type CredentialProvider = Parameters<typeof Sign>[0]["awsCredentialsProvider"];
type Credentials = Awaited<ReturnType<CredentialProvider>>;

const CHAIN = "(the AWS SDK's default chain: environment, shared config and AWS_PROFILE, SSO, web identity, container and instance metadata)";

export interface MskIamOptions {
  region: string;
  /** Where credentials come from; default the SDK's chain (tests hand in their own). */
  credentials?: CredentialProvider;
  /** Retries of a credential endpoint (default 3, as the signer's own chain); tests say 0. */
  credentialRetries?: number;
  /** Learns every credential and token obtained (to scrub them from error lines). */
  onSecret?: (secret: Secret, what: "credential" | "token") => void;
}

export function mskIamToken(options: MskIamOptions): () => Promise<TokenGrant> {
  const learn = (value: string | undefined, what: "credential" | "token" = "credential") => {
    if (value) options.onSecret?.(new Secret(value), what);
  };
  // The AWS SDK is loaded on the first token only: a command that never signs one (every
  // cluster but MSK with IAM) does not pay for it.
  let loaded: Promise<{ sign: typeof Sign; credentials: () => Promise<Credentials> }> | undefined;
  const load = () =>
    (loaded ??= (async () => {
      const [{ fromNodeProviderChain }, { generateAuthTokenFromCredentialsProvider }] = await Promise.all([
        import("@aws-sdk/credential-providers"),
        import("aws-msk-iam-sasl-signer-js"),
      ]);
      // As the signer's own default (mskCredentialProvider.getDefaultCredentials), held once.
      const chain = options.credentials ?? fromNodeProviderChain({ maxRetries: options.credentialRetries ?? 3, roleSessionName: "MSKSASLDefaultSession", clientConfig: { region: options.region } });
      const credentials = async (): Promise<Credentials> => {
        const c = await chain();
        learn(c.accessKeyId);
        learn(c.secretAccessKey);
        learn(c.sessionToken);
        return c;
      };
      return { sign: generateAuthTokenFromCredentialsProvider, credentials };
    })());
  return async () => {
    const { sign, credentials } = await load();
    const { token, expiryTime } = await sign({ region: options.region, awsCredentialsProvider: credentials }).catch((error: unknown) => {
      // "Could not load credentials from any providers" alone does not say which were tried.
      if (error instanceof Error && error.name === "CredentialsProviderError") error.message += ` ${CHAIN}`;
      throw error;
    });
    learn(token, "token");
    return { token, expiresAt: expiryTime };
  };
}
