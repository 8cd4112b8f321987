import { mistralCodec } from "../../codecs/mistral/index.js";
import type { ProviderCodecs } from "../provider-descriptor.js";

export const mistralCodecs: ProviderCodecs = {
  select: () => mistralCodec,
  tracked: [mistralCodec],
};
