// Recognizing tool definitions, tool lists and request bodies by shape, on plain JSON values.

/** The API family a tool definition is written for. */
export type ToolFamily = 'openai' | 'anthropic' | 'mcp';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Anthropic server tools carry a versioned `type` (bash_20250124, web_search_20250305, …) and no schema. */
const ANTHROPIC_TYPED = /^(?:custom|[a-z_]+_\d{8})$/;

/** The family of one tool definition, or undefined when it is not one. */
export function toolFamily(v: unknown): ToolFamily | undefined {
  if (!isObject(v)) return undefined;
  if (isObject(v['function']) && typeof v['function']['name'] === 'string') return 'openai';
  if (typeof v['name'] !== 'string') return undefined;
  if (isObject(v['inputSchema'])) return 'mcp';
  if (isObject(v['input_schema'])) return 'anthropic';
  if (typeof v['type'] === 'string' && ANTHROPIC_TYPED.test(v['type'])) return 'anthropic';
  if (isObject(v['parameters'])) return 'openai';
  return undefined;
}

/** The family shared by a list of tools: all must be tools; a mix is named by its first member. */
export function listFamily(list: unknown): ToolFamily | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const families = list.map(toolFamily);
  if (families.some((f) => f === undefined)) return undefined;
  return families[0];
}

/** Keys whose presence at the top level marks a log, trace or archive rather than a prompt. */
const LOG_KEYS = ['interactions', 'request', 'response', 'log', 'resourceSpans', 'spans', 'events', 'conversations', 'contents', 'entries'];

/** A request body (Anthropic Messages or OpenAI Chat shape) written as one document. */
export function isRequestShaped(v: unknown): boolean {
  if (!isObject(v) || '_type' in v) return false;
  if (LOG_KEYS.some((k) => k in v)) return false;
  const messages = v['messages'];
  const system = v['system'];
  const okMessages = Array.isArray(messages) && messages.length > 0 && messages.every((m) => isObject(m) && typeof m['role'] === 'string');
  const okSystem =
    typeof system === 'string' ||
    (Array.isArray(system) && system.length > 0 && system.every((b) => isObject(b) && typeof b['text'] === 'string'));
  if (messages !== undefined && !okMessages) return false;
  if (system !== undefined && !okSystem) return false;
  const tools = v['tools'];
  if (tools !== undefined && (!Array.isArray(tools) || (tools.length > 0 && listFamily(tools) === undefined))) return false;
  return okMessages || okSystem;
}

/** What a JSON/YAML value holding tools is: a list, a `{tools}` wrapper, a JSON-RPC result, or one tool. */
export function toolContainer(v: unknown): { family: ToolFamily; wrapper: 'array' | 'tools' | 'jsonrpc' | 'single' } | undefined {
  if (Array.isArray(v)) {
    const family = listFamily(v);
    return family ? { family, wrapper: 'array' } : undefined;
  }
  if (!isObject(v)) return undefined;
  const result = v['result'];
  if (typeof v['jsonrpc'] === 'string' && isObject(result) && Array.isArray(result['tools'])) {
    const family = listFamily(result['tools']) ?? (result['tools'].length === 0 ? 'mcp' : undefined);
    return family ? { family, wrapper: 'jsonrpc' } : undefined;
  }
  if (Array.isArray(v['tools']) && !('messages' in v) && !('system' in v)) {
    const family = listFamily(v['tools']);
    return family ? { family, wrapper: 'tools' } : undefined;
  }
  const single = toolFamily(v);
  return single ? { family: single, wrapper: 'single' } : undefined;
}

/** A LangChain serialized prompt. */
export function isLangchain(v: unknown): boolean {
  return isObject(v) && (v['_type'] === 'prompt' || v['_type'] === 'chat' || v['_type'] === 'few_shot');
}

/** One JSONL record holding a tool list (BFCL: `function`), or a tool itself. */
export function isToolRecord(v: unknown): boolean {
  if (!isObject(v)) return false;
  if (toolFamily(v) !== undefined) return true;
  return ['function', 'functions', 'tools'].some((k) => listFamily(v[k]) !== undefined);
}

/** One JSONL record holding prompt templates (FastChat judge prompts). */
export function isPromptRecord(v: unknown): boolean {
  return isObject(v) && (typeof v['system_prompt'] === 'string' || typeof v['prompt_template'] === 'string');
}

/**
 * True when every mapping with two or more keys has them in code-point order: the mark of a serializer
 * that sorts keys (Go's encoding/json, Python's sort_keys) rather than of hand-written definitions.
 */
export function keysSortedEverywhere(v: unknown): boolean {
  let maps = 0;
  const walk = (x: unknown): boolean => {
    if (Array.isArray(x)) return x.every(walk);
    if (!isObject(x)) return true;
    const keys = Object.keys(x);
    if (keys.length >= 2) {
      maps++;
      for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) > (keys[i] as string)) return false;
    }
    return Object.values(x).every(walk);
  };
  return walk(v) && maps >= 3;
}
