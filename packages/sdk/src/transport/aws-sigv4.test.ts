import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signAwsRequest, type AwsSignInput } from "./aws-sigv4.js";

// AWS's documentation example credentials (not real).
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const exampleDate = new Date("2015-08-30T12:36:00Z");

describe("signAwsRequest", () => {
  it("reproduces AWS's published signatures", async () => {
    const vectors: { name: string; input: Omit<AwsSignInput, "body" | "credentials" | "date">; expected: string }[] = [
      {
        name: "IAM ListUsers (AWS General Reference example)",
        input: {
          method: "GET",
          url: "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08",
          headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" },
          region: "us-east-1",
          service: "iam",
        },
        expected:
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
      },
      {
        name: "post-vanilla (SigV4 test suite)",
        input: { method: "POST", url: "https://example.amazonaws.com/", headers: {}, region: "us-east-1", service: "service" },
        expected:
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
      },
    ];
    for (const vector of vectors) {
      const signed = await signAwsRequest({ ...vector.input, body: "", credentials, date: exampleDate });
      expect(signed.authorization, vector.name).toBe(vector.expected);
      expect(signed["x-amz-date"]).toBe("20150830T123600Z");
    }
  });

  it("matches an independent node:crypto computation for a Bedrock call (path encoded twice, session token signed)", async () => {
    const body = JSON.stringify({ messages: [{ role: "user", content: [{ text: "Hi" }] }] });
    const date = new Date("2026-03-04T05:06:07Z");
    const signed = await signAwsRequest({
      method: "POST",
      url: "https://bedrock-runtime.eu-west-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse?b=2&a=x%20y",
      headers: { "content-type": "application/json", Accept: "application/json" },
      body,
      credentials: { ...credentials, sessionToken: "session/token+value" },
      region: "eu-west-1",
      service: "bedrock",
      date,
    });

    const canonicalRequest = [
      "POST",
      "/model/anthropic.claude-3-haiku-20240307-v1%253A0/converse",
      "a=x%20y&b=2",
      "accept:application/json",
      "content-type:application/json",
      "host:bedrock-runtime.eu-west-1.amazonaws.com",
      "x-amz-date:20260304T050607Z",
      "x-amz-security-token:session/token+value",
      "",
      "accept;content-type;host;x-amz-date;x-amz-security-token",
      createHash("sha256").update(body).digest("hex"),
    ].join("\n");
    const scope = "20260304/eu-west-1/bedrock/aws4_request";
    const stringToSign = ["AWS4-HMAC-SHA256", "20260304T050607Z", scope, createHash("sha256").update(canonicalRequest).digest("hex")].join("\n");
    const mac = (key: Buffer | string, text: string) => createHmac("sha256", key).update(text).digest();
    let key = mac(`AWS4${credentials.secretAccessKey}`, "20260304");
    for (const part of ["eu-west-1", "bedrock", "aws4_request"]) key = mac(key, part);
    const signature = createHmac("sha256", key).update(stringToSign).digest("hex");

    expect(signed).toEqual({
      "x-amz-date": "20260304T050607Z",
      "x-amz-security-token": "session/token+value",
      authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${scope}, SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token, Signature=${signature}`,
    });
  });

  it("changes the signature when the body changes", async () => {
    const base = { method: "POST", url: "https://example.amazonaws.com/", headers: {}, credentials, region: "us-east-1", service: "bedrock", date: exampleDate };
    const first = await signAwsRequest({ ...base, body: "{}" });
    const second = await signAwsRequest({ ...base, body: "{ }" });
    expect(first.authorization).not.toBe(second.authorization);
  });
});
