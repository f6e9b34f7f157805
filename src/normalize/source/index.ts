// Application source code → the requests its SDK calls send, each a PromptDoc in the provider's render
// order with holes where run-time values are interpolated: the same shape templates produce, so the
// same rules judge them.
import { KvlintError } from '../../errors.js';
import type { Level, PromptDoc, Segment, SourceFile, TemplateSyntax } from '../../model.js';
import { positionAt } from '../../source.js';
import type { Evaluator } from './evaluate.js';
import { JavaScriptEvaluator, javascriptIndex } from './javascript.js';
import { firstSyntaxError, parseSourceText, sourceLanguageOf, type SourceLanguage, type SyntaxNode } from './parser.js';
import { PythonEvaluator, pythonIndex } from './python.js';
import type { ScopeIndex } from './scope.js';
import { isMessageConstructor, RequestBuilder, type SourceRequest } from './sdk.js';
import { buildText, isConstant, type Part } from './values.js';

export { SOURCE_EXTENSIONS, sourceLanguageOf } from './parser.js';
export { mayHoldPrompt } from './precheck.js';

/** One request found in a source file, ready for the template rules. */
export interface SourceRequestDoc {
  doc: PromptDoc;
  /** the tools are one literal list or object: their order is as written, so tool sorting is not reported */
  toolOrderFixed: boolean;
}

export interface SourceDoc {
  file: SourceFile;
  language: SourceLanguage;
  syntax: TemplateSyntax;
  requests: SourceRequestDoc[];
  /** comments of the file, for inline directives */
  comments: Array<{ start: number; end: number; body: string }>;
}

/** Variable names that hold a system prompt by convention, for prompts assembled apart from the call. */
function isPromptName(name: string): boolean {
  const words = name
    .replace(/^(?:self|this)\./, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  const prompt = words.includes('prompt') || words.includes('instruction') || words.includes('instructions');
  return prompt && (words.includes('system') || /^[A-Z][A-Z0-9_]*$/.test(name));
}

/**
 * Parses a Python, TypeScript or JavaScript file and returns the requests it builds. A file with a syntax
 * error throws KVE306 naming its first error's line (the grammar recovers, but a half-read file would
 * give half-true findings).
 */
export async function parseSource(file: SourceFile): Promise<SourceDoc> {
  const language = sourceLanguageOf(file.path) ?? 'typescript';
  const syntax: TemplateSyntax = language === 'python' ? 'python' : language === 'javascript' ? 'javascript' : 'typescript';
  const tree = await parseSourceText(file.text, language);
  try {
    const root = tree.rootNode;
    const bad = firstSyntaxError(root);
    if (bad) {
      const { line, column } = positionAt(file, Math.min(bad.startIndex, file.text.length));
      throw new KvlintError('KVE306', `${file.path}:${line}:${column}: syntax error in ${syntax === 'python' ? 'Python' : syntax === 'javascript' ? 'JavaScript' : 'TypeScript'}; the file was not checked`, {
        file: file.path,
        line,
      });
    }
    const index = language === 'python' ? pythonIndex(root) : javascriptIndex(root);
    const ev = language === 'python' ? new PythonEvaluator(index) : new JavaScriptEvaluator(index);
    const found = findRequests(index, ev, file.text);
    const requests = found.map((r, i) => toDoc(file, syntax, r, i));
    return { file, language, syntax, requests, comments: index.comments };
  } finally {
    tree.delete();
  }
}

function findRequests(index: ScopeIndex, ev: Evaluator, text: string): SourceRequest[] {
  const builder = new RequestBuilder(ev, text);
  const out: SourceRequest[] = [];
  const covered: Array<[number, number]> = [];
  const inside = (n: SyntaxNode): boolean => covered.some(([s, e]) => n.startIndex >= s && n.endIndex <= e);
  for (const node of index.calls) {
    const call = ev.callInfo(node);
    if (!call) continue;
    const req = builder.fromCall(call);
    if (req && req.segments.length) {
      out.push(req);
      covered.push([node.startIndex, node.endIndex]);
    }
  }
  // LangChain messages outside any call above: the list they sit in is the request.
  for (const node of index.calls) {
    if (inside(node)) continue;
    const call = ev.callInfo(node);
    if (!call || !isMessageConstructor(call.callee)) continue;
    const list = node.parent && /^(?:list|array|tuple)$/.test(node.parent.type) ? node.parent : node;
    const v = ev.eval(list);
    const req = builder.fromMessageList(v.t === 'list' ? v : { t: 'list', items: [v], node, assembled: false }, list);
    if (req.segments.length) {
      out.push(req);
      covered.push([list.startIndex, list.endIndex]);
    }
  }
  // System prompts assembled apart from any call (a prompts module): a variable named like one whose
  // value interpolates something.
  const used = new Set(out.flatMap((r) => r.segments.flatMap((s) => (s.anchors ?? []).map(([, src]) => src))));
  // …or a function named like one (`def build_system_prompt(user)`, `const systemPrompt = (hints) => …`)
  // whose last return interpolates something.
  const candidates: Array<{ name: string; value: SyntaxNode }> = [];
  for (const [name, bindings] of index.bindings) {
    if (!isPromptName(name)) continue;
    for (const b of bindings) if (b.op === '=' && !/function|lambda|arrow/.test(b.value.type)) candidates.push({ name, value: b.value });
  }
  for (const [name, f] of index.functions) if (isPromptName(name) && f.returns) candidates.push({ name, value: f.returns });
  candidates.sort((a, b) => a.value.startIndex - b.value.startIndex);
  for (const c of candidates) {
    if (inside(c.value)) continue;
    const v = ev.eval(c.value);
    if (v.t !== 'str' || isConstant(v)) continue;
    const firstAt = v.parts.map((p) => ('lit' in p ? p.at : p.hole.at))[0];
    if (firstAt !== undefined && used.has(firstAt)) continue;
    out.push({ api: 'assembled-prompt', node: c.value, segments: [segmentOf('system', 'system', c.name, ev.partsAt(v, c.value))], toolOrderFixed: true });
  }
  return out;
}

function segmentOf(level: Level, role: string, label: string, parts: Part[]): Segment {
  const built = buildText(parts);
  const seg: Segment = { level, role, label, text: built.text, anchors: built.anchors };
  if (built.placeholders.length) seg.placeholders = built.placeholders;
  return seg;
}

function toDoc(file: SourceFile, syntax: TemplateSyntax, r: SourceRequest, i: number): SourceRequestDoc {
  const { line } = positionAt(file, r.node.startIndex);
  const doc: PromptDoc = {
    file,
    kind: 'source',
    syntax,
    format: `${r.api}@${line}`,
    segments: r.segments.map((s) => ({ ...s, group: `${i}` })),
  };
  if (r.provider) doc.provider = r.provider;
  if (r.model) doc.model = r.model;
  return { doc, toolOrderFixed: r.toolOrderFixed };
}
