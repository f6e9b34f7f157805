// Which API a request body is for (from its URL when known, else its shape), and the normalizer for it.
import { normalizeAnthropic } from './anthropic.js';
import { bedrockModelFromUrl, normalizeBedrockConverse } from './bedrock.js';
import { asArray, asString, isObject, type NormalizedBody } from './common.js';
import { geminiModelFromUrl, normalizeGemini } from './gemini.js';
import { normalizeOpenAiChat, normalizeOpenAiResponses } from './openai.js';

export type BodyApi = 'anthropic-messages' | 'bedrock-invoke-anthropic' | 'bedrock-converse' | 'openai-chat' | 'openai-responses' | 'gemini';

/** Provider from an API host; undefined for hosts that are not LLM APIs we know. */
export function providerFromUrl(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  let host: string;
  try {
    host = new URL(uri).hostname;
  } catch {
    return undefined;
  }
  if (host.endsWith('anthropic.com')) return 'anthropic';
  if (host.startsWith('bedrock-runtime')) return 'bedrock';
  if (host.endsWith('openai.azure.com')) return 'azure';
  if (host.endsWith('openai.com')) return 'openai';
  if (host.includes('generativelanguage.googleapis.com') || host.includes('aiplatform.googleapis.com')) return 'google';
  if (host.endsWith('mistral.ai')) return 'mistral';
  if (host.endsWith('deepseek.com')) return 'deepseek';
  if (host.endsWith('openrouter.ai')) return 'openrouter';
  if (host.endsWith('groq.com')) return 'groq';
  if (host.endsWith('together.xyz') || host.endsWith('together.ai')) return 'together';
  if (host.endsWith('x.ai')) return 'xai';
  return undefined;
}

/** URL paths that are LLM generation calls. Anything else (telemetry, MCP, package indexes) is not. */
export function isGenerationPath(uri: string): boolean {
  return /\/v1\/messages\b|\/chat\/completions\b|\/v1\/responses(?!\/compact)\b|:(stream)?generateContent\b|\/converse(-stream)?$|\/invoke(-with-response-stream)?$/.test(
    uri.replace(/\?.*$/, ''),
  );
}

const CLAUDE = /claude|anthropic/i;

/** The API a body is shaped for, using the URL first and the body's keys otherwise. */
export function detectBodyApi(body: unknown, uri?: string): BodyApi | undefined {
  if (!isObject(body)) return undefined;
  const path = uri?.replace(/\?.*$/, '') ?? '';
  if (/\/converse(-stream)?$/.test(path)) return 'bedrock-converse';
  if (typeof body.anthropic_version === 'string') return 'bedrock-invoke-anthropic';
  if (/\/v1\/messages$/.test(path)) return 'anthropic-messages';
  if (/\/responses$/.test(path)) return 'openai-responses';
  if (/\/chat\/completions$/.test(path)) return 'openai-chat';
  if (/:(stream)?generateContent$/.test(path) || Array.isArray(body.contents)) return 'gemini';
  if (isObject(body.toolConfig) || (Array.isArray(body.system) && asArray(body.system).some((b) => isObject(b) && !('type' in b) && 'text' in b))) {
    return 'bedrock-converse';
  }
  if (body.input !== undefined && (typeof body.model === 'string' || body.instructions !== undefined)) return 'openai-responses';
  if (Array.isArray(body.messages)) {
    const model = asString(body.model) ?? '';
    if (CLAUDE.test(model) || body.system !== undefined || body.cache_control !== undefined) return 'anthropic-messages';
    return 'openai-chat';
  }
  return undefined;
}

/** Normalizes a request body; undefined when it is not a generation request of a known API. */
export function normalizeBody(body: unknown, uri?: string, providerHint?: string): NormalizedBody | undefined {
  const api = detectBodyApi(body, uri);
  if (!api || !isObject(body)) return undefined;
  const provider = providerFromUrl(uri) ?? providerHint;
  switch (api) {
    case 'bedrock-converse':
      return normalizeBedrockConverse(body, bedrockModelFromUrl(uri));
    case 'bedrock-invoke-anthropic':
      return normalizeAnthropic(body, 'bedrock', bedrockModelFromUrl(uri));
    case 'anthropic-messages':
      return normalizeAnthropic(body, provider ?? 'anthropic');
    case 'openai-responses':
      return normalizeOpenAiResponses(body, provider ?? 'openai');
    case 'openai-chat':
      return normalizeOpenAiChat(body, provider ?? 'openai');
    case 'gemini':
      return normalizeGemini(body, geminiModelFromUrl(uri));
  }
}
