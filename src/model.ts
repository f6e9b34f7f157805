// The data shapes every stage shares: source files, segments, requests, diagnostics.
// Stages between ingest and report are pure functions over these types.

/** Where a prompt level sits in the provider's render order: tools → system → messages. */
export type Level = 'tools' | 'system' | 'messages';

/** Render order of levels; a change at a level invalidates that level and everything after it. */
export const LEVEL_ORDER: readonly Level[] = ['tools', 'system', 'messages'];

/**
 * Maps offsets in a segment's text back to offsets in its source file. A sorted list of anchors
 * [textOffset, sourceOffset]: text offset t maps to source s + (t - a) for the last anchor (a, s) with a <= t.
 * A segment cut straight out of a file has one anchor; a JSON or YAML string with escapes or folding has
 * one anchor per source line (or per escape), so positions stay on the right line.
 */
export type SourceAnchors = ReadonlyArray<readonly [textOffset: number, sourceOffset: number]>;

/** A `{{ expr }}`-like hole in a template: its text is not known until render time. */
export interface Placeholder {
  /** offsets in the segment text, end exclusive, covering the whole tag (e.g. `{{ name }}`) */
  start: number;
  end: number;
  /** the expression inside the tag, trimmed (e.g. `name`, `runtime_info.date`, `new Date()`) */
  expr: string;
  /**
   * variable: interpolates a value; block: control flow (`{% for %}`, `{{#each}}`) whose output varies
   * with data; include: pulls in another file; partial: named sub-template.
   */
  kind: 'variable' | 'block' | 'include' | 'partial';
}

/** A cache breakpoint after a segment (Anthropic `cache_control`, Bedrock `cachePoint`, OpenAI 5.6 marks). */
export interface CacheMarker {
  ttl?: string;
}

/** One piece of the rendered prompt, in render order. */
export interface Segment {
  level: Level;
  /** finer role: tool, system, developer, user, assistant, tool_result, example, … */
  role: string;
  /** a human label, e.g. `tools[3] Bash`, `system[0]`, `messages[2] user` */
  label: string;
  /** the text as it reaches the model (for a tool, its JSON serialization in source key order) */
  text: string;
  /** map back to the source file; absent when the text has no place in a file (synthesized) */
  anchors?: SourceAnchors;
  /** holes in a template; absent for literal text and logged requests */
  placeholders?: Placeholder[];
  /** a cache breakpoint sits right after this segment */
  cacheMarker?: CacheMarker;
  /** a parsed JSON value behind the text (tool definitions), for structural checks */
  value?: unknown;
  /**
   * segments of one file that are rendered into different requests carry different groups (each record
   * of a JSONL file of tool sets or prompt templates); order and position rules compare within a group
   */
  group?: string;
}

/** The kind of template syntax a file uses; decides placeholder and comment forms. */
export type TemplateSyntax =
  | 'text'
  | 'markdown'
  | 'jinja'
  | 'handlebars'
  | 'mustache'
  | 'dotprompt'
  | 'prompty'
  | 'fstring'
  | 'js-template'
  | 'json'
  | 'yaml'
  /** application source code: prompts assembled by SDK calls */
  | 'python'
  | 'typescript'
  | 'javascript';

/** What a file turned out to be after detection. */
export type SourceKind = 'template' | 'tools' | 'source' | 'log';

/** A file read into memory with its line index. Logs are streamed and never become one of these. */
export interface SourceFile {
  /** path relative to cwd, POSIX separators (`-` replaced by --stdin-filename or `<stdin>`) */
  path: string;
  /** absolute path on disk; absent for stdin */
  absPath?: string;
  text: string;
  /** offsets where each line starts, for offset → line/column */
  lineStarts: number[];
  /** true when the file began with a UTF-8 BOM (stripped from text; the BOM rule reports it) */
  bom: boolean;
}

/** A template or tool file (or one request a source file builds) normalized into segments in the provider's render order. */
export interface PromptDoc {
  file: SourceFile;
  kind: 'template' | 'tools' | 'source';
  syntax: TemplateSyntax;
  /** the detected format, e.g. `dotprompt`, `prompty`, `langchain-chat`, `openai-tools`, `mcp-tools-list` */
  format: string;
  segments: Segment[];
  /** provider/model named inside the file (front matter, request body), if any */
  provider?: string;
  model?: string;
  /** top-level automatic caching is on (Anthropic top-level `cache_control`) */
  autoCache?: boolean;
  /** key order in the source is not the wire order (e.g. sorted by a serializer): skip key-order rules */
  keyOrderUnknown?: boolean;
  /** messages from the parser that are worth reporting but are not findings (unknown helpers, …) */
  notes?: string[];
}

/** Token usage the provider reported for one request. Undefined fields were absent from the log. */
export interface ReportedUsage {
  inputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  cacheWrite5mTokens?: number;
  cacheWrite1hTokens?: number;
  outputTokens?: number;
}

/**
 * What the provider itself said about a cache miss, normalized from Anthropic's
 * `diagnostics.cache_miss_reason` and OpenAI Responses' `prompt_cache_diagnostics` (providers.md §9.2-9.3).
 * `type` is the provider's own tag (`model_changed`, `system_changed`, `messages_changed`, … or
 * `cache_miss`, `cache_hit`, `comparison_response_not_found`, `unavailable`); `none` when Anthropic
 * found no divergence (`cache_miss_reason: null`); null while the provider's comparison was still
 * running (inconclusive). It says what the provider compared, not whether the cache hit: read it with
 * the reported usage.
 */
export interface ProviderCacheDiagnostics {
  provider: 'anthropic' | 'openai';
  type: string | null;
  /** tokens the provider says would have been read had the prefix matched */
  missedTokens?: number;
  /** OpenAI: tokens of the comparison response that this request could have reused */
  reusableTokens?: number;
  /** OpenAI: what changed (model, tools, settings or input) */
  reason?: string;
}

/** One request as sent to a provider, normalized from any log format. */
export interface KvRequest {
  /** source file and 1-based line of the record (for a YAML cassette, the line where the interaction starts) */
  file: string;
  line: number;
  /** position among the requests of its file, 0-based */
  index: number;
  /** the log format that produced it, e.g. `vcr-yaml`, `anthropic-jsonl`, `claude-code` */
  format: string;
  provider: string;
  /** the API shape of the body: anthropic-messages, openai-chat, openai-responses, gemini, bedrock-converse, … */
  api: string;
  model?: string;
  /** epoch milliseconds, when the log says */
  time?: number;
  /** the key that groups consecutive requests that may share a cache */
  lineage: string;
  /** how the lineage was chosen: session, prompt_cache_key, user, conversation, first-segment */
  lineageSource: string;
  segments: Segment[];
  /** top-level automatic caching (Anthropic top-level cache_control) */
  autoCache?: boolean;
  /** the explicit cache object the request reads (Gemini `cachedContent`): its content is not in the body */
  explicitCache?: string;
  usage?: ReportedUsage;
  /** the provider's own cache diagnostics, when the logged response carries them */
  diagnostics?: ProviderCacheDiagnostics;
  /** key order of the body is unknown (e.g. pydantic-ai parsed_body sorts keys) */
  keyOrderUnknown?: boolean;
  /** request id from the provider or the log */
  requestId?: string;
  /** the cache scope it belongs to when a log mixes them (--cache-scope) */
  scope?: string;
  /** --group-by: the value of each field grouped by, in order (null: the request has none) */
  groups?: (string | null)[];
}

export type Severity = 'error' | 'warning' | 'info';
export type Category = 'breaker' | 'risk' | 'waste' | 'hygiene';

/** A text replacement in a source file; offsets into SourceFile.text, end exclusive. */
export interface Fix {
  start: number;
  end: number;
  text: string;
}

/** One finding. Positions are 1-based (ESLint and SARIF agree on that). */
export interface Diagnostic {
  ruleId: string;
  code: string;
  severity: Severity;
  category: Category;
  messageId: string;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** label of the segment the finding sits in */
  segment?: string;
  /** tokens before the finding in the rendered prompt: what stays cacheable */
  tokenOffset?: number;
  /** cacheable tokens after the finding that it puts at risk */
  tokensAtRisk?: number;
  /** token counts come from a stand-in tokenizer (Claude, Gemini): shown with ≈ */
  approx?: boolean;
  /** a short, redacted excerpt of the offending text */
  evidence?: string;
  /** index of the request in its log, for log findings */
  request?: number;
  /** log findings: what fixing this break alone would save in the projected log, micro-dollars */
  savedMicro?: number;
  /** log findings: how many requests and sessions the break at this place affects */
  affected?: { requests: number; sessions: number };
  /** log findings: every request the break at this place was found in (the json report lists them) */
  occurrences?: { file: string; line: number; request: number }[];
  /** how the finding was established when it was inferred rather than read from the bodies */
  note?: string;
  /** log findings: the provider's own cache diagnostics reported a miss where it broke */
  providerConfirmed?: boolean;
  fix?: Fix[];
  /** `--fix` repairs this finding by rewriting the file as a whole (a JSON tool-file sort) rather than with `fix` edits */
  fixable?: boolean;
  /** other rules (ids) that reported the same place and were folded into this finding; a directive naming one suppresses it */
  alsoRules?: string[];
}
