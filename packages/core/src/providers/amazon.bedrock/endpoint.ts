import { isRecord } from "../../codecs/shared/content.js";
import { missingSetting, trimSlashes } from "../endpoint-helpers.js";
import type { AwsKeys, EndpointPlan, ProviderEndpointSpec, ProviderStreamSpec } from "../provider-descriptor.js";

/** Bedrock's runtime endpoint in any region (FIPS and China included). */
export const bedrockRuntimeOrigin = /^https:\/\/bedrock-runtime(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/;

/**
 * Bedrock Runtime, for `amazon.bedrock` (Converse) and `anthropic.bedrock`
 * (InvokeModel): `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN` (SigV4), or `AWS_BEARER_TOKEN_BEDROCK` (a Bedrock API
 * key); base URL `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`, `AWS_ENDPOINT_URL`, else
 * `https://bedrock-runtime.{AWS_REGION ‖ AWS_DEFAULT_REGION ‖ us-east-1}.amazonaws.com`.
 */
export function bedrockRuntimeEndpoint(): ProviderEndpointSpec {
  return {
    baseURLEnv: ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL"],
    officialOrigins: [bedrockRuntimeOrigin],
    http2: true,
    resolve({ read, templateBaseURL }): EndpointPlan {
      const region = read("AWS_REGION") ?? read("AWS_DEFAULT_REGION") ?? "us-east-1";
      const baseURL = trimSlashes(templateBaseURL ?? read("AWS_ENDPOINT_URL_BEDROCK_RUNTIME") ?? read("AWS_ENDPOINT_URL") ?? `https://bedrock-runtime.${region}.amazonaws.com`);
      // A Bedrock API key replaces SigV4 when set (AWS SDKs read the same variable).
      const bearer = read("AWS_BEARER_TOKEN_BEDROCK");
      if (bearer) return { baseURL, headers: { authorization: `Bearer ${bearer}` }, secrets: [bearer], auth: { scheme: "headers" } };

      const accessKeyId = read("AWS_ACCESS_KEY_ID");
      const secretAccessKey = read("AWS_SECRET_ACCESS_KEY");
      if (!accessKeyId || !secretAccessKey) {
        const missing = [accessKeyId ? undefined : "AWS_ACCESS_KEY_ID", secretAccessKey ? undefined : "AWS_SECRET_ACCESS_KEY"].filter(
          (name): name is string => name !== undefined,
        );
        throw missingSetting(
          "amazon.bedrock",
          missing,
          `No AWS credentials for amazon.bedrock: set ${missing.join(" and ")} (and AWS_SESSION_TOKEN for temporary credentials) in the environment, or AWS_BEARER_TOKEN_BEDROCK for a Bedrock API key.`,
        );
      }
      const sessionToken = read("AWS_SESSION_TOKEN");
      const credentials: AwsKeys = sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
      return {
        baseURL,
        headers: {},
        secrets: [secretAccessKey, ...(sessionToken ? [sessionToken] : [])],
        auth: { scheme: "aws-sigv4", credentials, region, service: "bedrock" },
      };
    },
  };
}

export const bedrockEndpoint: ProviderEndpointSpec = bedrockRuntimeEndpoint();

/** ConverseStream, AWS event-stream framed; ends with `messageStop` (its `metadata` event may follow). */
export const bedrockStream: ProviderStreamSpec = {
  framing: "aws-event-stream",
  isEnd: (event) => isRecord(event) && "messageStop" in event,
};
