// The explorer's auth modes and the headers each puts on a request, as AppSync's clients send
// them: `x-api-key`; `Authorization` with a raw JWT or Lambda token (no `Bearer `); SigV4 for
// AWS_IAM (service `appsync`). The realtime forms follow aws-amplify v6 (header object per mode,
// IAM signed as `POST <graphql>/connect` with body `{}`, and each `start` as `POST <graphql>`
// with the `data` string as body); see the shared reference, appsync.md §3.3 and §6.
import { signRequest, type AwsCredentials } from "./sigv4";

export type AuthState =
  | { mode: "API_KEY"; apiKey: string }
  | { mode: "AWS_IAM"; credentials: AwsCredentials; region: string }
  | { mode: "AMAZON_COGNITO_USER_POOLS"; token: string }
  | { mode: "OPENID_CONNECT"; token: string }
  | { mode: "AWS_LAMBDA"; token: string };

export type Headers = Record<string, string>;

// aws-amplify v6's realtime IAM headers (authHeaders.ts): signed, and sent in the header object.
const REALTIME_IAM_HEADERS: Headers = {
  accept: "application/json, text/javascript",
  "content-encoding": "amz-1.0",
  "content-type": "application/json; charset=UTF-8",
};

/** `20191113T184704Z`, the form of `x-amz-date`. */
export function amzDate(now: Date = new Date()): string {
  return now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

function tokenHeaders(auth: AuthState): Headers {
  switch (auth.mode) {
    case "API_KEY":
      return { "x-api-key": auth.apiKey };
    case "AMAZON_COGNITO_USER_POOLS":
    case "OPENID_CONNECT":
    case "AWS_LAMBDA":
      return { Authorization: auth.token };
    case "AWS_IAM":
      return {};
  }
}

/** Headers for an HTTP POST of `body` to the GraphQL endpoint (without `host`, which the
 * browser sets and may not be set by a page). */
export async function httpHeaders(auth: AuthState, graphqlUrl: string, body: string): Promise<Headers> {
  const base = { "content-type": "application/json" };
  if (auth.mode !== "AWS_IAM") return { ...base, ...tokenHeaders(auth) };
  const signed = await signRequest(auth.credentials, auth.region, "POST", graphqlUrl, base, body);
  delete signed.host;
  return signed;
}

/** The handshake's header object, for the `header-<base64url>` subprotocol entry. */
export async function realtimeConnectHeaders(auth: AuthState, graphqlUrl: string): Promise<Headers> {
  const host = new URL(graphqlUrl).host;
  if (auth.mode === "AWS_IAM") {
    return signRequest(auth.credentials, auth.region, "POST", `${graphqlUrl}/connect`, REALTIME_IAM_HEADERS, "{}");
  }
  if (auth.mode === "API_KEY") return { host, "x-amz-date": amzDate(), ...tokenHeaders(auth) };
  return { ...tokenHeaders(auth), host };
}

/** A `start` message's `payload.extensions.authorization` for the `data` string. */
export async function realtimeStartAuthorization(auth: AuthState, graphqlUrl: string, data: string): Promise<Headers> {
  const host = new URL(graphqlUrl).host;
  if (auth.mode === "AWS_IAM") {
    return signRequest(auth.credentials, auth.region, "POST", graphqlUrl, REALTIME_IAM_HEADERS, data);
  }
  return { ...tokenHeaders(auth), host };
}

/** base64url of the JSON, no padding: the `header-...` subprotocol entry's form. */
export function base64UrlJson(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
