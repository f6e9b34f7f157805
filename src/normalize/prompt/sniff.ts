// Deciding a file's prompt format from its extension and its content.
import { makeSourceFile } from '../../source.js';
import { isLangchain, isPromptRecord, isRequestShaped, isToolRecord, toolContainer } from './shapes.js';
import type { PromptFormat } from './types.js';
import { parseYaml, root, valueOf } from './yaml-source.js';

/** JSONL records looked at to decide a format; the parser checks every line anyway. */
const JSONL_SAMPLE = 50;

/**
 * The prompt format of a file, or undefined when it is none (a request log, a package.json, a cassette).
 * Extension first (`.j2`, `.prompt`, `.prompty`, …), content second: `.txt`/`.md` holding Jinja or
 * Handlebars blocks are read as such, and JSON/YAML is classified by its shape.
 */
export function sniffPrompt(path: string, text: string): PromptFormat | undefined {
  const name = path.toLowerCase().split(/[\\/]/).pop() ?? '';
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot) : '';
  switch (ext) {
    case '.j2':
    case '.jinja':
    case '.jinja2':
      return 'jinja';
    case '.hbs':
    case '.handlebars':
      return 'handlebars';
    case '.mustache':
      return 'mustache';
    case '.prompt':
      return 'dotprompt';
    case '.prompty':
      return 'prompty';
    case '.md':
    case '.markdown':
      return templateSyntaxIn(text) ?? 'markdown';
    case '.txt':
      return templateSyntaxIn(text) ?? 'text';
    case '.json':
    case '.snap':
      return sniffJson(text);
    case '.jsonl':
    case '.ndjson':
      return sniffJsonl(text);
    case '.yaml':
    case '.yml':
      return sniffYaml(path, text);
    case '.har':
    case '.gz':
      return undefined;
    default: {
      const head = text.trimStart();
      if (head.startsWith('{') || head.startsWith('[')) return sniffJson(text);
      return templateSyntaxIn(text) ?? 'text';
    }
  }
}

/** Jinja or Handlebars control syntax in a file whose extension says plain text. */
function templateSyntaxIn(text: string): PromptFormat | undefined {
  if (/\{%-?\s*(?:if|for|include|import|from|extends|set|block|macro|raw|with|filter|call)\b[^%]*%\}/.test(text)) return 'jinja';
  if (/\{\{[#~]?\s*#(?:if|each|with|unless)\b[^}]*\}\}/.test(text) && /\{\{~?\/(?:if|each|with|unless)\s*~?\}\}/.test(text)) {
    return 'handlebars';
  }
  return undefined;
}

function classify(value: unknown): PromptFormat | undefined {
  if (isLangchain(value)) return 'langchain';
  const tools = toolContainer(value);
  if (tools) return `${tools.family}-tools`;
  if (isRequestShaped(value)) return 'request';
  return undefined;
}

function sniffJson(text: string): PromptFormat | undefined {
  try {
    return classify(JSON.parse(text));
  } catch {
    // Not one JSON document: JSON Lines saved as .json (BFCL does this) is still worth a look.
    return sniffJsonl(text);
  }
}

function sniffJsonl(text: string): PromptFormat | undefined {
  const records: unknown[] = [];
  for (const line of text.split(/\r?\n|\r/)) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line));
    } catch {
      return undefined;
    }
    if (records.length >= JSONL_SAMPLE) break;
  }
  if (records.length === 0) return undefined;
  if (records.every(isToolRecord)) return 'tools-jsonl';
  if (records.every(isPromptRecord)) return 'prompts-jsonl';
  return undefined;
}

function sniffYaml(path: string, text: string): PromptFormat | undefined {
  try {
    const src = parseYaml(makeSourceFile(path, text));
    return classify(valueOf(src, root(src)));
  } catch {
    // Malformed, but plainly meant as one of ours: let the parser report the line.
    if (/^_type:\s*['"]?(?:prompt|chat|few_shot)\b/m.test(text)) return 'langchain';
    return undefined;
  }
}
