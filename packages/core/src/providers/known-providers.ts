/** The provider ids, for the dashboard (`@promptline/core/providers`). */
export { isKnownProvider, knownProviders, type KnownProvider } from "./provider-registry.js";
