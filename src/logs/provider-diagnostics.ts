// The provider's own word on why a request missed the cache (Anthropic `diagnostics.cache_miss_reason`,
// OpenAI Responses `prompt_cache_diagnostics`: providers.md §9.2–9.3), set next to kvlint's cause: both
// name where the prompt changed — model, tools, system, settings or messages — and agreement is counted
// as it is for cached tokens.
import type { ProviderCacheDiagnostics } from '../model.js';
import type { TimelineDivergence } from './types.js';

export type ChangeLevel = 'none' | 'model' | 'tools' | 'system' | 'settings' | 'messages';

/** What the provider says changed; undefined when it could not say (not found, unavailable, inconclusive). */
export function providerLevel(d: ProviderCacheDiagnostics): ChangeLevel | undefined {
  const t = d.type;
  if (t === null) return undefined;
  if (d.provider === 'anthropic') {
    const map: Record<string, ChangeLevel> = { none: 'none', model_changed: 'model', system_changed: 'system', tools_changed: 'tools', messages_changed: 'messages' };
    return map[t];
  }
  if (t === 'cache_hit') return 'none';
  if (t !== 'cache_miss') return undefined;
  const r = (d.reason ?? '').toLowerCase();
  if (r.includes('model')) return 'model';
  if (r.includes('tool')) return 'tools';
  if (r.includes('setting')) return 'settings';
  if (r.includes('input') || r.includes('message') || r.includes('instruction')) return 'messages';
  return undefined;
}

/** Where kvlint's divergence sits, in the provider's terms. */
export function kvlintLevel(div: TimelineDivergence | undefined, level: string | undefined): ChangeLevel {
  if (!div || div.cause === 'append-only' || div.cause === 'identical') return 'none';
  if (div.cause === 'model-change') return 'model';
  if (div.cause === 'settings-change') return 'settings';
  if (level === 'tools') return 'tools';
  if (level === 'system') return 'system';
  return 'messages';
}

export interface ProviderAgreement {
  /** requests whose provider diagnostics named a level */
  compared: number;
  agree: number;
  /** the first disagreements, in arrival order */
  disagreements: { file: string; line: number; provider: string; kvlint: string }[];
}

export const DISAGREEMENTS_KEPT = 20;

export function emptyAgreement(): ProviderAgreement {
  return { compared: 0, agree: 0, disagreements: [] };
}

/** Counts one request's diagnostics against kvlint's divergence. */
export function countAgreement(acc: ProviderAgreement, d: ProviderCacheDiagnostics, div: TimelineDivergence | undefined, level: string | undefined, where: { file: string; line: number }): void {
  const theirs = providerLevel(d);
  if (theirs === undefined) return;
  acc.compared++;
  const ours = kvlintLevel(div, level);
  if (ours === theirs) acc.agree++;
  else if (acc.disagreements.length < DISAGREEMENTS_KEPT) acc.disagreements.push({ ...where, provider: `${d.type}${d.reason ? ` (${d.reason})` : ''}`, kvlint: div ? div.cause : 'no change' });
}

/** Sums the agreements of several runs (the shards of one). */
export function mergeAgreements(list: readonly ProviderAgreement[]): ProviderAgreement {
  const out = emptyAgreement();
  for (const a of list) {
    out.compared += a.compared;
    out.agree += a.agree;
    out.disagreements.push(...a.disagreements);
  }
  out.disagreements = out.disagreements.slice(0, DISAGREEMENTS_KEPT);
  return out;
}

/** The provider's reason as one line: "messages_changed, ≈1,234 tokens missed". */
export function describeProviderDiagnostics(d: ProviderCacheDiagnostics): string {
  const parts = [d.type ?? 'inconclusive (the comparison was still running)'];
  if (d.reason) parts.push(d.reason);
  if (d.missedTokens !== undefined) parts.push(`≈${d.missedTokens.toLocaleString('en-US')} tokens missed`);
  return `${d.provider} diagnostics: ${parts.join(', ')}`;
}
