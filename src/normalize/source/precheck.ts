// The cheap look that lets most source files skip the parser: its own module, so a walk over a
// repository loads neither tree-sitter nor the evaluators for files that hold no prompt.

/**
 * Imports of LLM SDKs, and strings that look like prompts: the cheap test that lets files with neither
 * skip the parser. One regular expression over the text, no allocation per line.
 */
const MAY_HOLD_PROMPT =
  /\b(?:anthropic|openai|litellm|langchain|google\.genai|google\.generativeai|vertexai)\b|@(?:anthropic-ai|ai-sdk|google\/genai|google\/generative-ai|langchain)\/|\bfrom\s+["']ai["']|\b(?:system_?prompt|systemPrompt|SYSTEM_PROMPT|system_instruction|systemInstruction|SystemMessage|ChatPromptTemplate)\b|\bYou are (?:a|an|the)\b|\.(?:messages|completions|responses)\.(?:create|stream|parse)\b|\bgenerate_?[cC]ontent\b|\b(?:generateText|streamText|generateObject|streamObject)\b/;

/** Lines longer than this mark generated or minified code, which holds no hand-written prompt. */
const MINIFIED_LINE = 5000;

/** True when a source file may hold a prompt worth parsing. */
export function mayHoldPrompt(text: string): boolean {
  if (!MAY_HOLD_PROMPT.test(text)) return false;
  // minified bundles: a few very long lines
  const firstBreak = text.indexOf('\n');
  if ((firstBreak === -1 ? text.length : firstBreak) > MINIFIED_LINE && text.length / Math.max(1, text.split('\n', 50).length) > MINIFIED_LINE / 5) return false;
  return true;
}
