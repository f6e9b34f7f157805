// Timeline entries kept as columns must come back exactly as the analysis made them, key order included
// (the json report prints keys in that order), and survive the copy to another thread.
import fc from 'fast-check';
import { Buffer } from 'node:buffer';
import { serialize, deserialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { expandTimelines, timelineViews, TimelineStore } from '../../src/logs/timeline-store.js';
import type { LineageTimeline, LogAnalysis, TimelineEntry } from '../../src/logs/types.js';

const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

/** An entry built field by field in the analysis's order, optional fields absent rather than undefined. */
const entry: fc.Arbitrary<{ lineage: string; e: TimelineEntry }> = fc
  .record({
    lineage: fc.constantFrom('a', 'b', 'c'),
    index: fc.nat(1e6),
    file: fc.constantFrom('x.jsonl', 'logs/y.jsonl'),
    line: fc.nat(1e6),
    tokens: fc.nat(1e7),
    approx: fc.boolean(),
    reusedTokens: fc.nat(1e7),
    lostTokens: fc.nat(1e7),
    segments: fc.nat(30),
    from: fc.nat(30),
    rawChain: fc.array(hex, { maxLength: 5 }),
    canonicalFrom: fc.nat(30),
    canonicalChain: optional(fc.array(hex, { maxLength: 5 })),
    blocks: optional(fc.dictionary(fc.constantFrom('16', '64'), fc.record({ count: fc.nat(), reused: fc.nat() }))),
    time: optional(fc.integer({ min: 0, max: 4e12 })),
    model: optional(fc.constantFrom('gpt-4o', 'claude-sonnet-4-5')),
    usage: optional(fc.record({ inputTokens: fc.nat(), cacheReadTokens: fc.nat() })),
    notes: optional(fc.array(fc.string(), { minLength: 1, maxLength: 2 })),
    previous: optional(fc.nat(100)),
    divergence: optional(fc.record({ segment: fc.integer({ min: -1, max: 30 }), label: fc.string(), charOffset: fc.nat(), tokenOffset: fc.nat(), cause: fc.constantFrom('timestamp' as const, 'branch' as const), excerpt: fc.string() })),
  })
  .map((f) => {
    const canonicalFrom = f.canonicalChain ? f.canonicalFrom : f.from;
    const hashes: TimelineEntry['hashes'] = { segments: f.segments, from: f.from, rawChain: f.rawChain, canonicalFrom, canonicalChain: f.canonicalChain ?? [...f.rawChain] };
    if (f.blocks) hashes.blocks = f.blocks;
    const e: TimelineEntry = { index: f.index, file: f.file, line: f.line, tokens: f.tokens, approx: f.approx, reusedTokens: f.reusedTokens, lostTokens: f.lostTokens, hashes };
    if (f.time !== undefined) e.time = f.time;
    if (f.model !== undefined) e.model = f.model;
    if (f.usage) e.usage = f.usage;
    if (f.notes) e.notes = f.notes;
    if (f.previous !== undefined) e.previous = f.previous;
    if (f.divergence) e.divergence = f.divergence;
    return { lineage: f.lineage, e };
  });

function emptyAnalysis(lineages: string[]): LogAnalysis {
  const timelines: LineageTimeline[] = lineages.map((lineage) => ({ lineage, lineageSource: 'test', provider: 'openai', requests: [], tokens: 0, reusedTokens: 0, lostTokens: 0, breaks: 0 }));
  return { files: [], lineages: timelines, diagnostics: [], problems: [], summary: { files: 0, requests: 0, lineages: 0, breaks: 0, tokens: 0, reusedTokens: 0, lostTokens: 0, approx: false, skipped: {} } };
}

describe('TimelineStore', () => {
  it('gives every lineage back its entries, in order, key for key', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (entries) => {
        const store = new TimelineStore();
        for (const { lineage, e } of entries) store.add(lineage, e);
        // through structured clone, as from the worker
        const transport = deserialize(serialize(store.transport()));
        const a = expandTimelines(emptyAnalysis(['c', 'a', 'b']), transport);
        // and as lists that build an entry when it is read (what the main thread gives the formatters)
        const views = timelineViews(emptyAnalysis(['c', 'a', 'b']), transport);
        a.lineages.forEach((l, k) => {
          const want = entries.filter((x) => x.lineage === l.lineage).map((x) => x.e);
          expect(JSON.stringify(l.requests)).toBe(JSON.stringify(want));
          expect(l.requests).toEqual(want);
          const view = views.lineages[k]!;
          expect(view.lineage).toBe(l.lineage);
          expect(view.requests.length).toBe(want.length);
          expect(JSON.stringify(view.requests)).toBe(JSON.stringify(want));
          expect(view.requests.at(-1)).toEqual(want.at(-1));
        });
        expect(store.approx).toBe(entries.some((x) => x.e.approx));
      }),
      { numRuns: 200 },
    );
  });

  it('stores canonical links only where they differ from the raw ones', () => {
    const store = new TimelineStore();
    const base = { index: 0, file: 'f', line: 1, tokens: 1, approx: false, reusedTokens: 0, lostTokens: 0 };
    const h = (c: string): string => c.repeat(64);
    store.add('l', { ...base, hashes: { segments: 2, from: 0, rawChain: [h('1'), h('2')], canonicalFrom: 0, canonicalChain: [h('1'), h('2')] } });
    store.add('l', { ...base, index: 1, hashes: { segments: 2, from: 1, rawChain: [h('3')], canonicalFrom: 0, canonicalChain: [h('a'), h('b')] } });
    // bytes, 32 per link: the second entry's canonical links differ from its raw one and are stored too
    expect(Buffer.from(store.transport().links).toString('hex')).toBe(['1', '2', '3', 'a', 'b'].map(h).join(''));
  });
});
