/** The model id without what no provider counts as part of it: spaces, Google's `models/` path prefix. */
export function plainModelId(model: string): string {
  const id = model.trim();
  return id.startsWith("models/") ? id.slice("models/".length) : id;
}
