// Token positions of a PromptDoc: per-segment counts, prefix sums within each group, and the cacheable
// region a finding's position is measured against.
import type { PromptDoc } from '../model.js';
import type { Tokenizer } from '../tokenize/index.js';

/** How the cacheable region was decided. */
export type RegionKind = 'marker' | 'auto' | 'static';

export interface SegmentSpan {
  index: number;
  group: string;
  /** tokens before this segment within its group */
  startToken: number;
  tokens: number;
  inRegion: boolean;
}

export interface GroupSpan {
  key: string;
  /** indices into doc.segments, in render order */
  indices: number[];
  /** how many leading segments of `indices` form the cacheable region */
  regionCount: number;
  /** tokens in the cacheable region */
  regionTokens: number;
  regionKind: RegionKind;
}

export interface PromptLayout {
  segments: SegmentSpan[];
  /** groups in order of first appearance */
  groups: GroupSpan[];
  approx: boolean;
}

const DEFAULT_GROUP = '';

/**
 * Lays out a doc's tokens. The cacheable region of a group runs through its last segment carrying a
 * cache marker; without markers, through its last segment when the doc turns on automatic caching;
 * otherwise over the tools, the system segments and the leading message segments without placeholders
 * (static few-shot) — what an automatic prefix cache (OpenAI, vLLM, SGLang) can reuse across requests.
 */
export function layoutPrompt(doc: PromptDoc, tokenizer: Tokenizer): PromptLayout {
  const segments: SegmentSpan[] = [];
  const byKey = new Map<string, GroupSpan>();
  const groups: GroupSpan[] = [];
  doc.segments.forEach((seg, index) => {
    const key = seg.group ?? DEFAULT_GROUP;
    let g = byKey.get(key);
    if (!g) {
      g = { key, indices: [], regionCount: 0, regionTokens: 0, regionKind: 'static' };
      byKey.set(key, g);
      groups.push(g);
    }
    g.indices.push(index);
    segments.push({ index, group: key, startToken: 0, tokens: tokenizer.count(seg.text), inRegion: false });
  });
  for (const g of groups) {
    let lastMarked = -1;
    g.indices.forEach((i, k) => {
      if (doc.segments[i]?.cacheMarker) lastMarked = k;
    });
    if (lastMarked >= 0) {
      g.regionKind = 'marker';
      g.regionCount = lastMarked + 1;
    } else if (doc.autoCache) {
      g.regionKind = 'auto';
      g.regionCount = g.indices.length;
    } else {
      g.regionKind = 'static';
      let k = 0;
      while (k < g.indices.length) {
        const seg = doc.segments[g.indices[k] as number];
        if (!seg) break;
        if (seg.level === 'messages' && (seg.placeholders?.length ?? 0) > 0) break;
        k++;
      }
      g.regionCount = k;
    }
    let acc = 0;
    g.indices.forEach((i, k) => {
      const span = segments[i] as SegmentSpan;
      span.startToken = acc;
      span.inRegion = k < g.regionCount;
      acc += span.tokens;
      if (span.inRegion) g.regionTokens = acc;
    });
  }
  return { segments, groups, approx: tokenizer.approx };
}

/** The group a segment belongs to. */
export function groupOf(layout: PromptLayout, segIndex: number): GroupSpan | undefined {
  const key = layout.segments[segIndex]?.group;
  return layout.groups.find((g) => g.key === key);
}

/**
 * Token offsets (within the segment's group) of several text offsets of one segment. Counts the text
 * between consecutive offsets, so a segment is tokenized about once however many findings it has; the
 * split at each offset may differ from a whole-text count by a token, which positions can afford.
 */
export function tokenOffsets(
  layout: PromptLayout,
  tokenizer: Tokenizer,
  text: string,
  segIndex: number,
  offsets: number[],
): Map<number, number> {
  const span = layout.segments[segIndex];
  const out = new Map<number, number>();
  if (!span) return out;
  const sorted = [...new Set(offsets)].sort((a, b) => a - b);
  let prev = 0;
  let acc = 0;
  for (const off of sorted) {
    const o = Math.max(0, Math.min(off, text.length));
    acc += tokenizer.count(text.slice(prev, o));
    prev = o;
    out.set(off, span.startToken + Math.min(acc, span.tokens));
  }
  return out;
}
