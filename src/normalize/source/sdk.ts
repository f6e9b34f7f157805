// The calls that send prompts, per SDK, and the request each one builds: segments in the provider's
// render order (tools → system → messages) with holes where run-time values are interpolated.
import type { CacheMarker, Level, Segment } from '../../model.js';
import type { SyntaxNode } from './parser.js';
import type { Evaluator } from './evaluate.js';
import { buildText, literalOf, plainValue, serializeVal, type CallInfo, type Hole, type Part, type Val } from './values.js';

/** One request a call in the file sends. */
export interface SourceRequest {
  /** the SDK API, e.g. `anthropic-messages`, `openai-chat`, `langchain-messages` */
  api: string;
  provider?: string;
  model?: string;
  /** the call (or the message list) it comes from */
  node: SyntaxNode;
  segments: Segment[];
  /** the tools are one list or object written in the file: their order is fixed, so tool sorting does not matter */
  toolOrderFixed: boolean;
}

type Dict = Extract<Val, { t: 'dict' }>;

const SYSTEM_ROLES = new Set(['system', 'developer']);

/** LangChain message classes and the role each one is. */
const LC_MESSAGE = /(?:^|\.)(System|Human|AI|Tool|Chat|Function)Message(?:Chunk)?$/;
const LC_ROLE: Record<string, string> = { System: 'system', Human: 'user', AI: 'assistant', Tool: 'tool', Chat: 'user', Function: 'tool' };
const LC_TEMPLATE = /(?:^|\.)(System|Human|AI|Chat)MessagePromptTemplate\.(?:from_template|fromTemplate)$/;
const LC_TUPLE_ROLE: Record<string, string> = { system: 'system', human: 'user', user: 'user', ai: 'assistant', assistant: 'assistant', developer: 'developer' };

/** A str.format field in a LangChain template: `{name}`, not `{{`. */
const LC_FIELD = /\{\{|\}\}|\{([A-Za-z_][\w.]*)\}/g;

export class RequestBuilder {
  constructor(
    private readonly ev: Evaluator,
    private readonly fileText: string,
  ) {}

  /** The request a call sends, when it is an SDK call kvlint knows. */
  fromCall(call: CallInfo): SourceRequest | undefined {
    const c = call.callee;
    if (/(?:^|\.)messages\.(?:create|stream|parse|count_tokens|countTokens)$/.test(c)) {
      if (!call.kw('messages') && !call.kw('system')) return undefined;
      return this.request(call, 'anthropic-messages', 'anthropic', { tools: call.kw('tools'), system: call.kw('system'), messages: call.kw('messages') });
    }
    if (/(?:^|\.)chat\.completions\.(?:create|parse|stream)$/.test(c)) {
      return this.request(call, 'openai-chat', 'openai', { tools: call.kw('tools'), messages: call.kw('messages') });
    }
    if (/(?:^|\.)responses\.(?:create|parse|stream)$/.test(c)) {
      const input = call.kw('input');
      return this.request(call, 'openai-responses', 'openai', { tools: call.kw('tools'), system: call.kw('instructions'), messages: input?.t === 'str' ? undefined : input, prompt: input?.t === 'str' ? input : undefined });
    }
    if (/(?:^|\.)(?:generate_content(?:_stream|_async)?|generateContent(?:Stream)?)$/.test(c)) {
      const config = call.kw('config') ?? call.kw('generation_config');
      const contents = call.kw('contents') ?? call.arg(call.callee.includes('models.') ? 1 : 0);
      return this.request(call, 'gemini', 'google', {
        tools: field(config, 'tools') ?? call.kw('tools'),
        system: field(config, 'system_instruction') ?? call.kw('system_instruction'),
        ...(contents?.t === 'str' ? { prompt: contents } : { messages: contents }),
      });
    }
    if (/(?:^|\.)(?:GenerativeModel|getGenerativeModel)$/.test(c)) {
      const system = call.kw('system_instruction');
      if (!system) return undefined;
      return this.request(call, 'gemini', 'google', { tools: call.kw('tools'), system });
    }
    if (/^(?:litellm\.)?a?completion$/.test(c) && (c.startsWith('litellm.') || /\bfrom\s+litellm\s+import\b[^\n]*\ba?completion\b/.test(this.fileText))) {
      const model = literalOf(call.kw('model'));
      return this.request(call, 'litellm', providerOfModel(model), { tools: call.kw('tools'), messages: call.kw('messages') });
    }
    if (/^(?:ai\.)?(?:generateText|streamText|generateObject|streamObject)$/.test(c)) {
      const prompt = call.kw('prompt');
      const modelCall = call.kw('model');
      const provider = modelCall?.t === 'call' ? modelCall.call.callee.split('.')[0] : undefined;
      const req = this.request(call, 'vercel-ai', provider, { tools: call.kw('tools'), system: call.kw('system'), messages: call.kw('messages'), prompt });
      if (modelCall?.t === 'call') {
        const m = literalOf(modelCall.call.arg(0));
        if (m) req.model = m;
      }
      return req;
    }
    if (/(?:^|\.)ChatPromptTemplate\.(?:from_messages|fromMessages)$/.test(c)) {
      const list = call.arg(0) ?? call.kw('messages');
      return this.request(call, 'langchain-prompt', undefined, { messages: list, templated: true });
    }
    return undefined;
  }

  /** A request from a list of LangChain message objects (`[SystemMessage(...), HumanMessage(...)]`), or one message alone. */
  fromMessageList(list: Val, node: SyntaxNode): SourceRequest {
    const req: SourceRequest = { api: 'langchain-messages', node, segments: [], toolOrderFixed: true };
    this.messages(req, list, false);
    return req;
  }

  private request(
    call: CallInfo,
    api: string,
    provider: string | undefined,
    parts: { tools?: Val | undefined; system?: Val | undefined; messages?: Val | undefined; prompt?: Val | undefined; templated?: boolean },
  ): SourceRequest {
    const req: SourceRequest = { api, node: call.node, segments: [], toolOrderFixed: true };
    if (provider) req.provider = provider;
    const model = literalOf(call.kw('model')) ?? literalOf(call.kw('model_name'));
    if (model) req.model = model;
    if (parts.tools) this.tools(req, parts.tools);
    if (parts.system) this.system(req, parts.system);
    if (parts.messages) this.messages(req, parts.messages, parts.templated ?? false);
    if (parts.prompt) this.push(req, 'messages', 'user', `messages[${this.count(req, 'messages')}] user`, this.partsOf(parts.prompt));
    return req;
  }

  private count(req: SourceRequest, level: Level): number {
    return req.segments.filter((s) => s.level === level).length;
  }

  private partsOf(v: Val): Part[] {
    return this.ev.partsAt(v, v.node);
  }

  private push(req: SourceRequest, level: Level, role: string, label: string, parts: Part[], marker?: CacheMarker): void {
    const built = buildText(parts);
    const seg: Segment = { level, role, label, text: built.text, anchors: built.anchors };
    if (built.placeholders.length) seg.placeholders = built.placeholders;
    if (marker) seg.cacheMarker = marker;
    req.segments.push(seg);
  }

  private tools(req: SourceRequest, v: Val): void {
    let items: Array<{ name?: string; value: Val }>;
    if (v.t === 'list') {
      items = v.items.map((value) => ({ value }));
      if (v.assembled) req.toolOrderFixed = false;
    } else if (v.t === 'dict') {
      // Vercel AI SDK: an object keyed by tool name, in written order
      items = v.entries.map(([name, value]) => ({ name, value }));
    } else {
      req.toolOrderFixed = false;
      this.push(req, 'tools', 'tool', 'tools', this.partsOf(v));
      return;
    }
    items.forEach(({ name, value }, i) => {
      const built = serializeVal(value);
      const plain = plainValue(value);
      const toolName = name ?? toolNameOf(plain);
      const seg: Segment = { level: 'tools', role: 'tool', label: toolName ? `tools[${i}] ${toolName}` : `tools[${i}]`, text: built.text, anchors: built.anchors, value: name && plain && typeof plain === 'object' ? { name, ...(plain as object) } : plain };
      if (built.placeholders.length) seg.placeholders = built.placeholders;
      const marker = markerOf(value);
      if (marker) seg.cacheMarker = marker;
      req.segments.push(seg);
    });
  }

  private system(req: SourceRequest, v: Val): void {
    if (v.t === 'list') {
      // Anthropic system blocks: [{type: text, text, cache_control}]
      v.items.forEach((b, i) => this.block(req, 'system', 'system', `system[${i}]`, b, false));
      return;
    }
    if (v.t === 'call' && LC_MESSAGE.test(v.call.callee)) {
      const content = v.call.kw('content') ?? v.call.arg(0);
      if (content) this.content(req, 'system', 'system', 'system', content, false);
      return;
    }
    const parts = v.t === 'dict' ? partsFromGeminiContent(this.ev, v) : this.partsOf(v);
    this.push(req, 'system', 'system', 'system', parts);
  }

  private messages(req: SourceRequest, v: Val, templated: boolean): void {
    if (v.t !== 'list') {
      this.push(req, 'messages', 'user', 'messages', this.partsOf(v));
      return;
    }
    let seenMessage = false;
    v.items.forEach((item, i) => {
      const m = this.messageOf(item);
      if (!m) {
        seenMessage = true;
        this.push(req, 'messages', 'user', `messages[${i}]`, this.partsOf(item));
        return;
      }
      const level: Level = SYSTEM_ROLES.has(m.role) && !seenMessage ? 'system' : 'messages';
      if (level === 'messages') seenMessage = true;
      this.content(req, level, m.role, `messages[${i}] ${m.role}`, m.content, templated || m.templated, m.marker);
    });
  }

  /** Role and content of one message in any supported shape. */
  private messageOf(v: Val): { role: string; content: Val; templated: boolean; marker?: CacheMarker } | undefined {
    if (v.t === 'dict') {
      const role = literalOf(get(v, 'role')) ?? 'user';
      const content = get(v, 'content') ?? get(v, 'parts') ?? get(v, 'text');
      if (!content) return undefined;
      const marker = markerOf(v);
      return { role, content, templated: false, ...(marker ? { marker } : {}) };
    }
    if (v.t === 'list' && v.items.length === 2) {
      // LangChain ("system", "template") tuples
      const role = literalOf(v.items[0]);
      const mapped = role ? LC_TUPLE_ROLE[role.toLowerCase()] : undefined;
      if (mapped) return { role: mapped, content: v.items[1] as Val, templated: true };
      return undefined;
    }
    if (v.t === 'call') {
      const msg = LC_MESSAGE.exec(v.call.callee);
      if (msg) {
        const content = v.call.kw('content') ?? v.call.arg(0);
        if (content) return { role: LC_ROLE[msg[1] as string] ?? 'user', content, templated: false };
      }
      const tpl = LC_TEMPLATE.exec(v.call.callee);
      if (tpl) {
        const content = v.call.arg(0) ?? v.call.kw('template');
        if (content) return { role: LC_ROLE[tpl[1] === 'Chat' ? 'Human' : (tpl[1] as string)] ?? 'user', content, templated: true };
      }
    }
    return undefined;
  }

  private content(req: SourceRequest, level: Level, role: string, label: string, v: Val, templated: boolean, marker?: CacheMarker): void {
    if (v.t === 'list') {
      v.items.forEach((b, j) => this.block(req, level, role, `${label} content[${j}]`, b, templated));
      if (marker && req.segments.length) req.segments[req.segments.length - 1]!.cacheMarker = marker;
      return;
    }
    const parts = this.partsOf(v);
    this.push(req, level, role, label, templated ? templateHoles(parts) : parts, marker);
  }

  /** A content block: text blocks give their text; Gemini parts their text; others their JSON. */
  private block(req: SourceRequest, level: Level, role: string, label: string, b: Val, templated: boolean): void {
    if (b.t === 'dict') {
      const text = get(b, 'text');
      const marker = markerOf(b);
      if (text) {
        const parts = this.partsOf(text);
        this.push(req, level, role, label, templated ? templateHoles(parts) : parts, marker);
        return;
      }
      const built = serializeVal(b);
      const seg: Segment = { level, role, label, text: built.text, anchors: built.anchors };
      if (built.placeholders.length) seg.placeholders = built.placeholders;
      if (marker) seg.cacheMarker = marker;
      req.segments.push(seg);
      return;
    }
    const parts = this.partsOf(b);
    this.push(req, level, role, label, templated ? templateHoles(parts) : parts);
  }
}

function get(d: Dict, key: string): Val | undefined {
  return d.entries.find(([k]) => k === key)?.[1];
}

/** A field of a config given as a dict/object or as a constructor call (`types.GenerateContentConfig(...)`). */
function field(config: Val | undefined, name: string): Val | undefined {
  if (!config) return undefined;
  const camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  if (config.t === 'dict') return get(config, name) ?? get(config, camel);
  if (config.t === 'call') return config.call.kw(name);
  return undefined;
}

function markerOf(v: Val): CacheMarker | undefined {
  if (v.t !== 'dict') return undefined;
  const cc = get(v, 'cache_control') ?? get(v, 'cacheControl');
  if (!cc) return undefined;
  const marker: CacheMarker = {};
  const ttl = cc.t === 'dict' ? literalOf(get(cc, 'ttl')) : undefined;
  if (ttl) marker.ttl = ttl;
  return marker;
}

/** Gemini `{parts: [{text}]}` or `{text}` given as a system instruction. */
function partsFromGeminiContent(ev: Evaluator, d: Dict): Part[] {
  const parts = get(d, 'parts');
  const text = get(d, 'text');
  if (text) return ev.partsAt(text, text.node);
  if (parts?.t === 'list') {
    const out: Part[] = [];
    for (const p of parts.items) {
      const t = p.t === 'dict' ? get(p, 'text') : p;
      if (t) out.push(...ev.partsAt(t, t.node));
    }
    return out;
  }
  return ev.partsAt(d, d.node);
}

function toolNameOf(v: unknown): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o['name'] === 'string') return o['name'];
  const f = o['function'];
  if (f && typeof f === 'object' && typeof (f as Record<string, unknown>)['name'] === 'string') return (f as Record<string, string>)['name'];
  return undefined;
}

function providerOfModel(model: string | undefined): string | undefined {
  if (!model) return undefined;
  const prefix = model.includes('/') ? model.split('/')[0]?.toLowerCase() : undefined;
  if (prefix === 'anthropic' || /^claude/i.test(model)) return 'anthropic';
  if (prefix === 'gemini' || prefix === 'vertex_ai' || /^gemini/i.test(model)) return 'google';
  if (prefix === 'openai' || /^(gpt|o\d|chatgpt)/i.test(model)) return 'openai';
  if (prefix === 'deepseek') return 'deepseek';
  return undefined;
}

/** Template text of LangChain messages: `{name}` fields in the literal text are holes too (`{{` is a brace). */
export function templateHoles(parts: readonly Part[]): Part[] {
  const out: Part[] = [];
  for (const p of parts) {
    if (!('lit' in p)) {
      out.push(p);
      continue;
    }
    let last = 0;
    LC_FIELD.lastIndex = 0;
    for (let m = LC_FIELD.exec(p.lit); m; m = LC_FIELD.exec(p.lit)) {
      if (m[1] === undefined) continue;
      if (m.index > last) out.push({ lit: p.lit.slice(last, m.index), at: p.at + last });
      const hole: Hole = { tag: m[0], at: p.at + m.index, expr: m[1], kind: 'variable' };
      out.push({ hole });
      last = m.index + m[0].length;
    }
    if (last < p.lit.length) out.push({ lit: p.lit.slice(last), at: p.at + last });
  }
  return out;
}

/** True for a LangChain message constructor call (for finding message lists outside SDK calls). */
export function isMessageConstructor(callee: string): boolean {
  return LC_MESSAGE.test(callee);
}
