/**
 * The snake_case request shapes of PromptLayer's Google `llm_kwargs`
 * (contract §5.2): what the official SDK camelCases and hands to
 * `@google/genai`. Only the fields we build or read are named.
 */

export interface GoogleKwargsPart {
  text?: string;
  thought?: boolean;
  thought_signature?: string;
  inline_data?: { mime_type: string; data: string };
  file_data?: { file_uri: string; mime_type?: string };
  function_call?: { name: string; args: Record<string, unknown>; id?: string };
  function_response?: { name: string; response: Record<string, unknown>; id?: string };
  executable_code?: { language?: string; code: string };
  code_execution_result?: { outcome?: string; output?: string };
}

export interface GoogleKwargsContent {
  role: "user" | "model";
  parts: GoogleKwargsPart[];
}

export interface GoogleFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

/** A Gemini `Tool`: function declarations or one built-in tool (`google_search: {}`, `code_execution: {}`…). */
export type GoogleKwargsTool = { function_declarations: GoogleFunctionDeclaration[] } | Record<string, Record<string, unknown>>;

export interface GoogleToolConfig {
  function_calling_config: { mode: "AUTO" | "ANY" | "NONE"; allowed_function_names?: string[] };
}

/**
 * Our built-in tool types ↔ Gemini's tool fields. `web_search` is Google
 * Search grounding, `code_interpreter` is code execution.
 */
export const googleBuiltInTools = {
  web_search: "google_search",
  code_interpreter: "code_execution",
  url_context: "url_context",
  google_maps: "google_maps",
  file_search: "file_search",
} as const;
