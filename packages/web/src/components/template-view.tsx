import type { Content as ContentBlock, Message, PromptTemplate, TemplateMetadata } from "@promptline/core";
import { formatOf, segments } from "../lib/variables.js";

type Format = "f-string" | "jinja2";

/** Text with its variables highlighted. */
export function Highlighted({ text, format }: { text: string; format: Format }) {
  return (
    <>
      {segments(text, format).map((segment, index) =>
        segment.variable ? (
          <mark key={index} className="var" title={`variable: ${segment.variable}`}>
            {segment.text}
          </mark>
        ) : (
          <span key={index}>{segment.text}</span>
        ),
      )}
    </>
  );
}

function Block({ part, format, highlight }: { part: ContentBlock; format: Format; highlight: boolean }) {
  switch (part.type) {
    case "text":
      return <div className="block-text">{highlight ? <Highlighted text={part.text} format={format} /> : part.text}</div>;
    case "thinking":
      return <div className="block-thinking">{part.thinking}</div>;
    case "image_url":
      return <div className="block-media">image: {part.image_variable ? <mark className="var">{part.image_variable}</mark> : part.image_url.url.slice(0, 80)}</div>;
    case "media_variable":
      return <div className="block-media">media: <mark className="var">{part.name}</mark></div>;
    default:
      return <pre className="block-raw">{JSON.stringify(part, null, 2)}</pre>;
  }
}

/** One message, as a card with its role (template view) or a chat bubble (conversation view). */
export function MessageView({ message, format, variant = "card" }: { message: Message; format: Format; variant?: "card" | "bubble" }) {
  const highlight = variant === "card";
  const content = message.content ?? [];
  const toolCalls = message.role === "assistant" ? (message.tool_calls ?? []) : [];
  return (
    <div className={`message message-${variant} role-${message.role}`}>
      <div className="message-role">
        {message.role}
        {message.role === "placeholder" && <mark className="var">{message.name}</mark>}
        {message.role === "tool" && <span className="muted"> · {message.tool_call_id}</span>}
      </div>
      <div className="message-content">
        {content.map((part, index) => (
          <Block key={index} part={part} format={message.template_format ?? format} highlight={highlight} />
        ))}
        {toolCalls.map((call) => (
          <div key={call.id} className="tool-call">
            <span className="muted">calls</span> <code>{call.function.name}</code>
            <pre>{call.function.arguments}</pre>
          </div>
        ))}
        {content.length === 0 && toolCalls.length === 0 && <span className="muted">(empty)</span>}
      </div>
    </div>
  );
}

/** A template rendered readably: messages with roles and highlighted variables, then tools. */
export function TemplateView({ template }: { template: PromptTemplate }) {
  const format: Format = formatOf(template);
  if (template.type === "completion") {
    return (
      <div className="messages">
        <div className="message message-card role-user">
          <div className="message-role">completion</div>
          <div className="message-content">
            {template.content.map((part, index) => (
              <Block key={index} part={part} format={format} highlight />
            ))}
          </div>
        </div>
      </div>
    );
  }
  const tools = template.tools ?? [];
  return (
    <div className="messages">
      {template.messages.map((message, index) => (
        <MessageView key={index} message={message} format={format} />
      ))}
      {tools.length > 0 && (
        <section className="tools">
          <h3>Tools</h3>
          {tools.map((tool, index) => (
            <details key={index} className="tool">
              <summary>
                <code>{tool.type === "function" ? tool.function.name : tool.type === "variable" ? `{${tool.name}}` : tool.type}</code>{" "}
                <span className="muted">{tool.type === "function" ? tool.function.description : tool.type}</span>
              </summary>
              <pre>{JSON.stringify(tool.type === "function" ? tool.function.parameters : tool, null, 2)}</pre>
            </details>
          ))}
        </section>
      )}
    </div>
  );
}

/** Model and parameters, as a definition list. */
export function ModelView({ metadata }: { metadata: TemplateMetadata }) {
  const model = metadata.model;
  if (!model) return <p className="muted">No model set: runs need a provider and model override.</p>;
  const parameters = Object.entries(model.parameters ?? {});
  return (
    <dl className="props">
      <dt>Provider</dt>
      <dd>{model.provider}</dd>
      <dt>Model</dt>
      <dd><code>{model.name}</code></dd>
      {model.api_type && (
        <>
          <dt>API</dt>
          <dd>{model.api_type}</dd>
        </>
      )}
      {parameters.map(([key, value]) => (
        <div key={key} className="prop-row">
          <dt>{key}</dt>
          <dd className="num">{typeof value === "object" ? JSON.stringify(value) : String(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
