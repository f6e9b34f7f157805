// Prompt templates and tool files → PromptDoc: format detection and the per-format parsers.
import { KvlintError } from '../../errors.js';
import type { PromptDoc, SourceFile } from '../../model.js';
import { parseDotprompt } from './dotprompt.js';
import { unknownFormat } from './fail.js';
import { parsePromptsJsonl, parseToolsJsonl } from './jsonl.js';
import { parseLangchain } from './langchain.js';
import { parsePlain } from './plain.js';
import { parsePrompty } from './prompty.js';
import { parseRequest } from './request.js';
import { sniffPrompt } from './sniff.js';
import { parseToolFile } from './tools.js';
import { PROMPT_FORMATS, type PromptFormat } from './types.js';

export { sniffPrompt } from './sniff.js';
export { PROMPT_FORMATS, type PromptFormat } from './types.js';

/**
 * Parses a template or tool file into segments in render order (tools → system → messages).
 * `format` overrides detection. Throws KvlintError: KVE305 when the format is unknown, KVE306 when the
 * file is malformed for its format (with file and line). Nothing else escapes: an unexpected failure
 * surfaces as KVE901 so it is reported per file instead of ending the run.
 */
export function parsePrompt(file: SourceFile, format?: PromptFormat): PromptDoc {
  const fmt = format ?? sniffPrompt(file.path, file.text);
  if (fmt === undefined) throw unknownFormat(file, 'not a prompt template, tool file or request body kvlint knows');
  if (!PROMPT_FORMATS.includes(fmt)) throw unknownFormat(file, `unknown prompt format ${JSON.stringify(fmt)}`);
  try {
    return dispatch(file, fmt);
  } catch (err) {
    if (err instanceof KvlintError) throw err;
    if (err instanceof RangeError) {
      // Deeply nested input exhausts the stack in the YAML parser or our walkers.
      throw new KvlintError('KVE306', `${file.path}: structure nested too deeply to read`, { file: file.path });
    }
    throw new KvlintError('KVE901', `${file.path}: internal error while parsing as ${fmt}: ${(err as Error)?.message ?? String(err)}`, {
      file: file.path,
      hint: 'please report this with the file attached',
    });
  }
}

function dispatch(file: SourceFile, fmt: PromptFormat): PromptDoc {
  switch (fmt) {
    case 'text':
    case 'markdown':
    case 'jinja':
    case 'handlebars':
    case 'mustache':
      return parsePlain(file, fmt);
    case 'dotprompt':
      return parseDotprompt(file);
    case 'prompty':
      return parsePrompty(file);
    case 'langchain':
      return parseLangchain(file);
    case 'request':
      return parseRequest(file);
    case 'openai-tools':
    case 'anthropic-tools':
    case 'mcp-tools':
      return parseToolFile(file, fmt);
    case 'tools-jsonl':
      return parseToolsJsonl(file);
    case 'prompts-jsonl':
      return parsePromptsJsonl(file);
  }
}
