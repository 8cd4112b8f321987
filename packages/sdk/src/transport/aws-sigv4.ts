/**
 * AWS Signature Version 4 over WebCrypto (`crypto.subtle`), so the SDK signs
 * Bedrock requests in Node, edge runtimes and browsers without the AWS SDK.
 * Spec: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */

/** Static AWS credentials, as in `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Present for temporary credentials; sent as `x-amz-security-token` and signed. */
  sessionToken?: string;
}

/** One request to sign. Every header given is signed, plus `host` and `x-amz-date`. */
export interface AwsSignInput {
  method: string;
  url: string;
  headers: Readonly<Record<string, string>>;
  body: string;
  credentials: AwsCredentials;
  region: string;
  /** The signing name, e.g. `bedrock` for Bedrock Runtime. */
  service: string;
  /** The signing time (the signature is valid for about five minutes after it). */
  date: Date;
}

const algorithm = "AWS4-HMAC-SHA256";
const encoder = new TextEncoder();

/**
 * Signs a request and returns the headers to add to it: `authorization`,
 * `x-amz-date` and, with temporary credentials, `x-amz-security-token`.
 *
 * @example
 * const extra = await signAwsRequest({ method: "POST", url, headers, body, credentials, region: "us-east-1", service: "bedrock", date: new Date() });
 * await fetch(url, { method: "POST", headers: { ...headers, ...extra }, body });
 */
export async function signAwsRequest(input: AwsSignInput): Promise<Record<string, string>> {
  const url = new URL(input.url);
  const amzDate = toAmzDate(input.date);
  const day = amzDate.slice(0, 8);
  const added: Record<string, string> = { "x-amz-date": amzDate };
  if (input.credentials.sessionToken) added["x-amz-security-token"] = input.credentials.sessionToken;

  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries({ ...input.headers, host: url.host, ...added })) {
    headers.set(name.toLowerCase(), value.trim().replace(/\s+/g, " "));
  }
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(";");
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalPath(url.pathname),
    canonicalQuery(url.searchParams),
    names.map((name) => `${name}:${headers.get(name)}\n`).join(""),
    signedHeaders,
    await sha256Hex(input.body),
  ].join("\n");

  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = [algorithm, amzDate, scope, await sha256Hex(canonicalRequest)].join("\n");
  let key: ArrayBuffer = await hmac(encoder.encode(`AWS4${input.credentials.secretAccessKey}`), day);
  for (const part of [input.region, input.service, "aws4_request"]) key = await hmac(key, part);
  const signature = toHex(await hmac(key, stringToSign));

  return {
    ...added,
    authorization: `${algorithm} Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** `20150830T123600Z`. */
function toAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** RFC 3986 encoding as AWS wants it: everything but unreserved characters. */
function awsEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Every service but S3 signs the path encoded twice: the path as sent (already
 * encoded once, e.g. a model id's `:` as `%3A`) is encoded again, segment by segment.
 */
function canonicalPath(pathname: string): string {
  if (pathname === "" || pathname === "/") return "/";
  return pathname
    .split("/")
    .map((segment) => awsEncode(segment))
    .join("/");
}

function canonicalQuery(params: URLSearchParams): string {
  return [...params]
    .map(([name, value]) => [awsEncode(name), awsEncode(value)] as const)
    .sort(([nameA, valueA], [nameB, valueB]) => (nameA === nameB ? compare(valueA, valueB) : compare(nameA, nameB)))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

async function hmac(key: ArrayBuffer | Uint8Array<ArrayBuffer>, text: string): Promise<ArrayBuffer> {
  const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(text));
}

function toHex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
