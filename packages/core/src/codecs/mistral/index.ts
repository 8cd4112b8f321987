export { mistralCodec } from "./mistral-codec.js";
