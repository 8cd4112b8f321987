/**
 * A media variable's entry (a URL, a data URL or bare base64) as the `media`
 * block PromptLayer stores: `{title, type: MIME, url, format}`. Base64 is kept
 * bare in `url` (without its `data:` prefix), as the codecs expect.
 */
import type { MediaContent } from "../schemas/content.js";

const mimeByExtension: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  svg: "image/svg+xml",
  pdf: "application/pdf",
  txt: "text/plain",
  csv: "text/csv",
  md: "text/markdown",
  html: "text/html",
  json: "application/json",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  ogg: "audio/ogg",
  flac: "audio/flac",
  m4a: "audio/mp4",
  mp4: "video/mp4",
  mov: "video/quicktime",
  webm: "video/webm",
};

/** The first bytes of common files, as base64. */
const mimeByBase64Prefix: [string, string][] = [
  ["iVBORw0KGgo", "image/png"],
  ["/9j/", "image/jpeg"],
  ["R0lGOD", "image/gif"],
  ["JVBERi0", "application/pdf"],
  ["SUQz", "audio/mpeg"],
  ["//uQ", "audio/mpeg"],
  ["//s", "audio/mpeg"],
  ["T2dnUw", "audio/ogg"],
  ["ZkxhQw", "audio/flac"],
];

/** PromptLayer's default media type. */
const defaultMime = "image/jpeg";

function sniffBase64(data: string): string {
  if (data.startsWith("UklGR")) {
    // RIFF container: WEBP or WAVE, named at bytes 8–11 (base64 characters 11–16).
    const kind = safeAtob(data.slice(0, 16)).slice(8, 12);
    if (kind === "WEBP") return "image/webp";
    if (kind === "WAVE") return "audio/wav";
  }
  return mimeByBase64Prefix.find(([prefix]) => data.startsWith(prefix))?.[1] ?? defaultMime;
}

function safeAtob(data: string): string {
  try {
    return atob(data);
  } catch {
    return "";
  }
}

function fileName(url: string): string | undefined {
  const path = url.split(/[?#]/, 1)[0] ?? "";
  const last = path.slice(path.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(last) || undefined;
  } catch {
    return last || undefined;
  }
}

/** A file's media type by its name's extension; PromptLayer's default (`image/jpeg`) for one it doesn't know. */
function mimeTypeOfName(name: string | undefined): string {
  const extension = name?.includes(".") ? name.slice(name.lastIndexOf(".") + 1).toLowerCase() : "";
  return mimeByExtension[extension] ?? defaultMime;
}

/** A URL's media type by the extension of its file name (query and fragment aside), else `image/jpeg`. */
export function mimeTypeOfUrl(url: string): string {
  return mimeTypeOfName(fileName(url));
}

export function inferMedia(entry: string): MediaContent["media"] {
  const dataUrl = /^data:([^;,]*)(?:;[^,]*)?;base64,(.*)$/s.exec(entry);
  if (dataUrl) {
    const data = dataUrl[2] ?? "";
    return { title: "media", type: dataUrl[1] || sniffBase64(data), url: data, format: "base64" };
  }
  const compact = entry.replace(/\s/g, "");
  // Base64 has no ':' or '.', which every absolute or file-like URL has.
  if (!/^[A-Za-z\d+/_-]+={0,2}$/.test(compact)) {
    const name = fileName(entry);
    return { title: name ?? "media", type: mimeTypeOfName(name), url: entry, format: "url" };
  }
  return { title: "media", type: sniffBase64(compact), url: compact, format: "base64" };
}
