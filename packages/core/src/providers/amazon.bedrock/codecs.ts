import { bedrockConverseCodec } from "../../codecs/bedrock/index.js";
import type { ProviderCodecs } from "../provider-descriptor.js";

/** Bedrock's Converse API, whatever the model family. */
export const bedrockCodecs: ProviderCodecs = {
  select: () => bedrockConverseCodec,
  tracked: [bedrockConverseCodec],
};
