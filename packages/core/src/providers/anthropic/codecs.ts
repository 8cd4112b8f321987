import { anthropicCodec } from "../../codecs/anthropic/index.js";
import type { ProviderCodecs } from "../provider-descriptor.js";

/** Anthropic Messages, for chat and completion templates alike. */
export const anthropicCodecs: ProviderCodecs = {
  select: () => anthropicCodec,
  tracked: [anthropicCodec],
};
