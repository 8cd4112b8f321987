import type { OperationSpec } from "./api-v1-operations.js";
import * as answer from "./promptlayer-answers.js";
import * as body from "./promptlayer-requests.js";

const trackHelper = (path: string, summary: string, requestBody: OperationSpec["body"]): OperationSpec[] =>
  [`/library-${path}`, `/rest/${path}`].map((route) => ({ method: "post", path: route, summary, body: requestBody, answer: answer.promptLayerTrackAnswer }));

/**
 * PromptLayer's routes, at the root (contract §3, §9): their bodies and
 * answers. The server validates with these bodies; its tests read each real
 * answer through these answers (decision 0015).
 */
export const promptLayerOperations: OperationSpec[] = [
  { method: "post", path: "/prompt-templates/{identifier}", summary: "A version rendered by the server, with llm_kwargs (templates.get)", body: body.getTemplateBodySchema, answer: answer.templateResponseAnswer },
  { method: "get", path: "/prompt-templates/{identifier}/labels", summary: "A prompt's release labels", answer: answer.promptLayerLabelListAnswer },
  { method: "get", path: "/prompt-templates", summary: "A page of prompts (templates.all)", query: body.promptLayerListQuery, answer: answer.templateListPageAnswer },
  { method: "post", path: "/rest/prompt-templates", summary: "Publish a new version (templates.publish)", body: body.promptLayerPublishBody, status: 201, answer: answer.publishTemplateAnswer },
  { method: "post", path: "/prompts/{promptId}/label", summary: "Create a release label", body: body.promptLayerCreateLabelBody, status: 201, answer: answer.promptLayerLabelSetAnswer },
  { method: "patch", path: "/prompt-labels/{labelId}", summary: "Move a release label", body: body.promptLayerMoveLabelBody, answer: answer.promptLayerLabelSetAnswer },
  { method: "delete", path: "/prompt-labels/{labelId}", summary: "Delete a release label", status: 204 },
  { method: "post", path: "/track-request", summary: "Log a request made by PromptLayer's SDK", body: body.trackRequestBodySchema, answer: answer.trackRequestAnswer },
  { method: "post", path: "/log-request", summary: "Log a request made outside run() (logRequest)", body: body.logRequestBodySchema, status: 201, answer: answer.logRequestAnswer },
  ...trackHelper("track-metadata", "Merge metadata into a request", body.promptLayerTrackMetadataBody),
  ...trackHelper("track-score", "Score a request (0-100)", body.promptLayerTrackScoreBody),
  ...trackHelper("track-prompt", "Link a request to a prompt version", body.promptLayerTrackPromptBody),
  ...[`/track-group`, `/rest/track-group`].map((path): OperationSpec => ({ method: "post", path, summary: "Put a request in a group", body: body.promptLayerTrackGroupBody, answer: answer.promptLayerTrackAnswer })),
  { method: "post", path: "/create-group", summary: "Create a group", answer: answer.createGroupAnswer },
];
