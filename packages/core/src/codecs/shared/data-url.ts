/**
 * Splits a `data:<mime>;base64,<data>` URL into its media type and base64
 * payload; null for any other URL (a web URL, or a data URL with parameters
 * such as `;charset=…` or without base64).
 */
export function parseDataUrl(url: string): { mimeType: string; data: string } | null {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match ? { mimeType: match[1] ?? "", data: match[2] ?? "" } : null;
}

/** `data:<mimeType>;base64,<base64>`. */
export function toDataUrl(mimeType: string, base64: string): string {
  return `data:${mimeType};base64,${base64}`;
}

/**
 * A media block's url as providers that take URLs want it: bare base64
 * (`format: "base64"`) becomes a data URL; a data URL or web URL is kept.
 */
export function mediaUrl(url: string, mimeType: string, format: string | null | undefined): string {
  return format === "base64" && !url.startsWith("data:") ? toDataUrl(mimeType, url) : url;
}
