// The prompt formats this package recognizes, and the text-with-positions shape its parsers pass around.
import type { Placeholder } from '../../model.js';

/** A prompt or tool file format that `parsePrompt` understands. */
export type PromptFormat =
  | 'text'
  | 'markdown'
  | 'jinja'
  | 'handlebars'
  | 'mustache'
  | 'dotprompt'
  | 'prompty'
  | 'langchain'
  | 'request'
  | 'openai-tools'
  | 'anthropic-tools'
  | 'mcp-tools'
  | 'tools-jsonl'
  | 'prompts-jsonl';

/** Every PromptFormat, for validation of a user-chosen format. */
export const PROMPT_FORMATS: readonly PromptFormat[] = [
  'text', 'markdown', 'jinja', 'handlebars', 'mustache', 'dotprompt', 'prompty', 'langchain', 'request',
  'openai-tools', 'anthropic-tools', 'mcp-tools', 'tools-jsonl', 'prompts-jsonl',
];

/**
 * Text with a map back to the source file: anchors are [textOffset, sourceOffset] pairs, sorted by
 * text offset (see SourceAnchors in model.ts). Mutable while a parser builds it.
 */
export interface MappedText {
  text: string;
  anchors: Array<[number, number]>;
}

/** Template text after scanning: comments removed, holes listed. */
export interface ScannedText extends MappedText {
  placeholders: Placeholder[];
}
