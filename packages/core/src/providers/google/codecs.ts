import { googleCodec, googleCompletionCodec } from "../../codecs/google/index.js";
import type { ProviderCodecs } from "../provider-descriptor.js";

/** Gemini: a chat (`history`) for chat templates, `generate_content` for completion templates. */
export const googleCodecs: ProviderCodecs = {
  select: ({ templateType }) => (templateType === "completion" ? googleCompletionCodec : googleCodec),
  tracked: [googleCodec, googleCompletionCodec],
};
