// SigV4 in the browser with AWS's own signer (@smithy/signature-v4, what the AWS SDK for
// JavaScript v3 signs with) and a pure-JavaScript SHA-256 (@aws-crypto/sha256-js). The pure
// hash, not WebCrypto, because `crypto.subtle` exists only in secure contexts: a console opened
// over plain http:// on a LAN address has none, and the explorer must sign there too.
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The request's signed headers (with `host`, `x-amz-date`, `authorization` and, for temporary
 * credentials, `x-amz-security-token`), for service `appsync`. */
export async function signRequest(
  credentials: AwsCredentials,
  region: string,
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<Record<string, string>> {
  const target = new URL(url);
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken || undefined,
    },
    region,
    service: "appsync",
    sha256: Sha256,
    // aws-amplify signs without x-amz-content-sha256; so do we, for the same wire.
    applyChecksum: false,
  });
  const signed = await signer.sign({
    method,
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port ? Number(target.port) : undefined,
    path: target.pathname,
    query: {},
    headers: { ...headers, host: target.host },
    body,
  });
  return signed.headers as Record<string, string>;
}
