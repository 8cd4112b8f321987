export { googleCodec, googleCompletionCodec } from "./google-codec.js";
export { camelCaseKeys, snakeCaseKeys } from "./convert-google-keys.js";
export { convertGoogleUsage } from "./convert-from-google-response.js";
