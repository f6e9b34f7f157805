// First divergence of a prompt from its nearest prior (the earlier request sharing its longest prefix),
// pure: where (segment, character, token), what it costs (tokens reusable vs lost), a bounded redacted
// excerpt, and a classified cause. Which rule reports a cause, and the patterns that tell a timestamp from
// an id or an e-mail, are the rules' own (rules/*.yaml, through src/engine/pair.ts).
import { diffChars, type ChangeObject } from 'diff';
import type { KvRequest, Segment } from '../model.js';
import { redact } from '../redact.js';
import type { Tokenizer } from '../tokenize/index.js';
import type { PairClassifier, PairRules } from '../engine/pair.js';
import { canonicalForm, canonicalText, hashSegments, type SegmentHasher, type SegmentHashes, type SegmentMemo } from './hash.js';

/** Why a prompt stopped sharing its prefix with the previous one (or why it did not). */
export type DivergenceCause =
  | 'timestamp'
  | 'environment'
  | 'few-shot'
  | 'line-endings'
  | 'unicode-normalization'
  | 'identifier'
  | 'user-data'
  | 'whitespace'
  | 'key-order'
  | 'tool-reorder'
  | 'tool-set-change'
  | 'model-change'
  | 'settings-change'
  | 'system-edit'
  | 'history-rewrite'
  | 'branch'
  | 'ttl-gap'
  | 'append-only'
  | 'identical'
  | 'unknown';

/** Causes that are not breaks: the new request reuses all of the prior one. */
export function isBreak(cause: DivergenceCause): boolean {
  return cause !== 'append-only' && cause !== 'identical' && cause !== 'branch';
}

/** A prompt as the diff needs it: segments with their hashes and token counts (synthetic = 0). */
export interface DiffInput {
  segments: readonly Segment[];
  hashes: readonly SegmentHashes[];
  tokens: readonly number[];
  keyOrderUnknown?: boolean;
}

/** The first divergence of `b` from `a`. */
export interface PrefixDiff {
  /** index in b of the first divergent segment; -1 when b shares all of a (append-only, identical) */
  segment: number;
  label: string;
  /** characters of the divergent segment shared with a's segment at the same index */
  charOffset: number;
  /** tokens of b before the divergence: what stays cacheable */
  tokenOffset: number;
  /** tokens of a that b can reuse, and those it cannot */
  reusableTokens: number;
  lostTokens: number;
  cause: DivergenceCause;
  ruleId?: string;
  code?: string;
  /** redacted excerpt of the change, at most 200 characters each side */
  excerpt: string;
}

export interface CompareOptions {
  /** milliseconds since the shared prefix was last used, when known */
  gapMs?: number;
  /** the cache TTL that applies, in seconds */
  ttlSeconds?: number;
  /**
   * the prior is an earlier request of the same conversation (default true). Across conversations a
   * different question, a different system prompt, tool set or model is another prompt, not a break;
   * only a proven volatile value, a reorder or a reformat in the shared part is.
   */
  sameLineage?: boolean;
  /** the rules' classifiers and cause → rule mapping (src/engine/pair.ts); without them no literal is classified */
  rules?: PairRules;
}

function sum(xs: readonly number[], end: number): number {
  let s = 0;
  for (let i = 0; i < end && i < xs.length; i++) s += xs[i] ?? 0;
  return s;
}

/** Characters two texts share from their start, never splitting a surrogate pair. */
export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i > 0 && i < n && a.charCodeAt(i - 1) >= 0xd800 && a.charCodeAt(i - 1) <= 0xdbff) i--;
  return i;
}

function commonSuffix(a: string, b: string, floor: number): number {
  let i = 0;
  while (i < a.length - floor && i < b.length - floor && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

const SIDE = 200;
const CONTEXT = 60;
/** Text kept around the change beyond what the excerpt shows, so a value cut at the edge is still whole for redaction. */
const WINDOW_SLACK = 120;

function flat(s: string): string {
  return s.replace(/\r\n/g, '␍⏎').replace(/\r/g, '␍').replace(/\n/g, '⏎').replace(/\t/g, '⇥');
}

function clip(s: string, max: number, fromEnd = false): string {
  if (s.length <= max) return s;
  return fromEnd ? `…${s.slice(s.length - max + 1)}` : `${s.slice(0, max - 1)}…`;
}

/**
 * The largest edit (characters inserted plus deleted) shown as a character diff; a larger one is shown as
 * the replacement whole. jsdiff's cost grows with the edit it searches for: two unrelated 400-character
 * middles cost ~7 ms at a bound of 400 and ~0.2 ms at 64, and a log whose lineages alternate between
 * unrelated prompts has one per request (a 20,000-request log took 48 s instead of 3). Bounded by edit
 * length only, never by time, so every machine prints the same excerpt.
 */
const MAX_EDIT = 64;

/**
 * A bounded, redacted excerpt of how b's text differs from a's after offset p: `context[-old-]{+new+}`.
 * Only the differing tails go through `diff` (with a timeout and edit cap), so cost stays bounded.
 */
export function changeExcerpt(aFull: string, bFull: string, pFull: number, charDiff = true): string {
  // Redact the texts around the change first, then diff what is left: redacting after the markup is added
  // lets a split value through ("[-alice-]{+bob+}@example.com" is no e-mail address to a pattern).
  const sFull = commonSuffix(aFull, bFull, pFull);
  const lo = Math.max(0, pFull - CONTEXT - WINDOW_SLACK);
  const window = (t: string): string => redact(t.slice(lo, Math.min(t.length, Math.max(t.length - sFull + 40 + WINDOW_SLACK, pFull + SIDE * 2))));
  const aText = window(aFull);
  const bText = window(bFull);
  const p = commonPrefix(aText, bText);
  const s = commonSuffix(aText, bText, p);
  const aMid = aText.slice(p, aText.length - s).slice(0, SIDE * 2);
  const bMid = bText.slice(p, bText.length - s).slice(0, SIDE * 2);
  const before = clip(bText.slice(Math.max(0, p - CONTEXT), p), CONTEXT, true);
  const after = clip(bText.slice(bText.length - s, bText.length - s + 40), 40);
  let del = '';
  let ins = '';
  // a pure insertion or deletion needs no search
  const changes: ChangeObject<string>[] | undefined =
    aMid === '' || bMid === ''
      ? [{ value: aMid || bMid, added: aMid === '', removed: bMid === '', count: 1 }].filter((c) => c.value !== '')
      : // a redaction marker is shown whole, never cut by a character diff
        charDiff && !aMid.includes('[REDACTED') && !bMid.includes('[REDACTED')
        ? diffChars(aMid, bMid, { maxEditLength: MAX_EDIT })
        : undefined;
  // A character diff of two unrelated texts is confetti ("[-Tr-]{+Book +}a[-ns-]…"): when little of
  // the middle is shared, show the replacement whole instead.
  const shared = changes ? changes.reduce((n, c) => (c.added || c.removed ? n : n + c.value.length), 0) : 0;
  const readable = changes !== undefined && (changes.length <= 6 || shared >= 0.5 * Math.max(aMid.length, bMid.length));
  if (changes && readable) {
    let body = '';
    for (const c of changes) {
      if (c.added) body += `{+${c.value}+}`;
      else if (c.removed) body += `[-${c.value}-]`;
      else body += c.value;
    }
    del = body;
  } else {
    del = `[-${aMid}-]`;
    ins = `{+${bMid}+}`;
  }
  const core = clip(del + ins, SIDE * 2);
  return redact(flat(`${before}${core}${after}`));
}

/** Cue words of few-shot examples: a block that holds one is an example. */
const EXAMPLE_CUE = /\b(?:examples?|input|output|question|answer|q|a|user|assistant|human|ai)\s*[:>]|<\/?examples?>/i;

/** Paragraphs (blank-line separated) of `text` from the one holding offset `p` on, trimmed. */
function blocksFrom(text: string, p: number): string[] {
  const start = Math.max(0, text.lastIndexOf('\n\n', p) + 1);
  return text
    .slice(start)
    .split(/\n[ \t]*\n/)
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

/**
 * Few-shot examples that rotate: from the changed paragraph on, both texts are example blocks, some the
 * same and in a different order or swapped for others from a pool. A different instruction is not.
 */
function isExampleRotation(a: string, b: string, p: number): boolean {
  const ba = blocksFrom(a, p);
  const bb = blocksFrom(b, p);
  if (ba.length < 2 || bb.length < 2) return false;
  const examplesA = ba.filter((x) => EXAMPLE_CUE.test(x));
  const examplesB = bb.filter((x) => EXAMPLE_CUE.test(x));
  if (examplesA.length < 2 || examplesB.length < 2) return false;
  const inB = new Set(examplesB);
  const shared = examplesA.filter((x) => inB.has(x)).length;
  // the same examples in another order, or part of the set kept and part swapped
  return shared >= 1 && (shared < examplesA.length || examplesA.some((x, k) => examplesB[k] !== x));
}

/**
 * The longest change (characters, on either side) classified as a volatile value: an ISO timestamp, a
 * trace id or an e-mail address changes a few dozen characters. Two wholly different system prompts of
 * two tenants differ from the first character on, and a date early in one is not what changed.
 */
const MAX_VALUE_CHANGE = 160;

/** Texts that differ only in their line endings. */
function lineEndingsOnly(a: string, b: string): boolean {
  return (a.includes('\r') || b.includes('\r')) && a.replace(/\r\n?/g, '\n') === b.replace(/\r\n?/g, '\n');
}

/** Classifies a change of text inside one segment by what changed: clock, id, personal data, spacing, form. */
function classifyTextChange(a: Segment, b: Segment, p: number, keyOrderUnknown: boolean, classifiers: readonly PairClassifier[], sameCanonical: boolean): DivergenceCause | undefined {
  // the canonical hashes already say whether only the form changed: normalize only then
  if (sameCanonical && a.text.normalize('NFC') === b.text.normalize('NFC')) return 'unicode-normalization';
  if (sameCanonical && canonicalText(a.text) === canonicalText(b.text)) return lineEndingsOnly(a.text, b.text) ? 'line-endings' : 'whitespace';
  if (a.value !== undefined && b.value !== undefined && canonicalForm(a) === canonicalForm(b)) return keyOrderUnknown ? 'unknown' : 'key-order';
  const s = commonSuffix(a.text, b.text, p);
  const endA = a.text.length - s;
  const endB = b.text.length - s;
  // a value dropped into a shared text is short; a rewrite that happens to hold a date or an id is a rewrite
  if (endA - p <= MAX_VALUE_CHANGE && endB - p <= MAX_VALUE_CHANGE) {
    for (const c of classifiers) if (c.matches(b.text, p, endB) || c.matches(a.text, p, endA)) return c.cause as DivergenceCause;
  }
  if (isExampleRotation(a.text, b.text, p)) return 'few-shot';
  return undefined;
}

/** Does a request's conversation open with a summary of an earlier one (an agent's compaction)? */
export function opensWithSummary(x: DiffInput): boolean {
  const first = x.segments.find((seg) => seg.level === 'messages' && seg.role === 'user');
  return first !== undefined && COMPACTION.test(first.text.slice(0, 400));
}

/** Words an agent's compaction leaves in the message that replaces the history. */
const COMPACTION = /\b(?:summar(?:y|ized|ised|ize)|compact(?:ed|ion)?|condensed|continued from|previous conversation|conversation so far|earlier in this conversation)\b/i;

/** A change small enough to be a value dropped into a shared prompt (a name, a tenant), not another prompt. */
function isSmallEdit(a: string, b: string, p: number): boolean {
  const s = commonSuffix(a, b, p);
  const longer = Math.max(a.length, b.length);
  return a.length - s - p <= 64 && b.length - s - p <= 64 && p + s >= 0.8 * longer;
}

function toolsOf(x: DiffInput): Segment[] {
  return x.segments.filter((s) => s.level === 'tools' && s.role === 'tool');
}

/** Classifies a divergence inside the tools level: order, key order, spacing, or a changed set. */
function classifyTools(a: DiffInput, b: DiffInput, i: number): { cause: DivergenceCause; excerpt?: string } {
  const sa = a.segments[i];
  const sb = b.segments[i];
  if (sa && sb && sa.role === 'tool' && sb.role === 'tool') {
    if (canonicalForm(sa) === canonicalForm(sb)) {
      if (canonicalText(sa.text) === canonicalText(sb.text) || a.keyOrderUnknown || b.keyOrderUnknown) return { cause: 'whitespace' };
      return { cause: 'key-order' };
    }
  }
  const ta = toolsOf(a);
  const tb = toolsOf(b);
  const canonA = ta.map(canonicalForm).sort();
  const canonB = tb.map(canonicalForm).sort();
  const names = (ts: Segment[]): string => ts.map((t) => t.label.replace(/^tools\[\d+\] /, '')).join(', ');
  if (canonA.length === canonB.length && canonA.every((c, k) => c === canonB[k])) {
    return { cause: 'tool-reorder', excerpt: clip(`tools order [${names(ta)}] → [${names(tb)}]`, SIDE * 2) };
  }
  const na = new Set(ta.map((t) => t.label.replace(/^tools\[\d+\] /, '')));
  const nb = new Set(tb.map((t) => t.label.replace(/^tools\[\d+\] /, '')));
  const added = [...nb].filter((n) => !na.has(n));
  const removed = [...na].filter((n) => !nb.has(n));
  const parts: string[] = [];
  if (added.length) parts.push(`added ${added.join(', ')}`);
  if (removed.length) parts.push(`removed ${removed.join(', ')}`);
  if (!parts.length) parts.push(`definition of ${sb?.label ?? sa?.label ?? 'a tool'} changed`);
  return { cause: 'tool-set-change', excerpt: redact(clip(`tools ${parts.join('; ')}`, SIDE * 2)) };
}

/**
 * Compares b with the previous prompt a of its lineage. Pure: token counts come in with the inputs and
 * `count` is only used for the part of the divergent segment before the change.
 */
export function comparePrompts(a: DiffInput, b: DiffInput, count: (text: string) => number, opts: CompareOptions = {}): PrefixDiff {
  const n = Math.min(a.segments.length, b.segments.length);
  let i = 0;
  while (i < n && a.hashes[i]?.rawChain === b.hashes[i]?.rawChain) i++;
  const totalA = sum(a.tokens, a.tokens.length);
  const same = opts.sameLineage !== false;
  const done = (d: Omit<PrefixDiff, 'ruleId' | 'code' | 'lostTokens'> & { lostTokens?: number }): PrefixDiff => {
    const out: PrefixDiff = { ...d, lostTokens: d.lostTokens ?? Math.max(0, totalA - d.reusableTokens) };
    // a rule turned off by config names nothing, in the timeline as in the findings
    const pair = isBreak(d.cause) ? opts.rules?.ruleFor(d.cause) : undefined;
    const rule = pair && pair.severity !== 'off' ? pair.rule : undefined;
    if (rule) {
      out.ruleId = rule.id;
      out.code = rule.code;
    }
    return out;
  };

  if (i === n && b.segments.length >= a.segments.length) {
    const gapS = opts.gapMs !== undefined ? opts.gapMs / 1000 : undefined;
    if (gapS !== undefined && opts.ttlSeconds !== undefined && gapS > opts.ttlSeconds && totalA > 0) {
      return done({
        segment: 0,
        label: 'whole prompt',
        charOffset: 0,
        tokenOffset: 0,
        reusableTokens: 0,
        lostTokens: totalA,
        cause: 'ttl-gap',
        excerpt: `${Math.round(gapS)} s since the previous request, over the ${opts.ttlSeconds} s cache TTL`,
      });
    }
    const identical = b.segments.length === a.segments.length;
    return done({ segment: -1, label: '', charOffset: 0, tokenOffset: totalA, reusableTokens: totalA, cause: identical ? 'identical' : 'append-only', excerpt: '' });
  }

  if (i === n) {
    // b is a strict prefix of a: a retry or a branch from an earlier point; b is fully cached.
    const removed = a.segments[i];
    return done({
      segment: i,
      label: removed ? `${removed.label} (dropped)` : '',
      charOffset: 0,
      tokenOffset: sum(b.tokens, b.tokens.length),
      reusableTokens: sum(b.tokens, b.tokens.length),
      cause: 'branch',
      excerpt: `request ends before ${removed?.label ?? 'the previous request'}`,
    });
  }

  const sa = a.segments[i]!;
  const sb = b.segments[i]!;
  const before = sum(b.tokens, i);
  const sameSlot = sa.level === sb.level && sa.role === sb.role;
  const p = sameSlot ? commonPrefix(sa.text, sb.text) : 0;
  const synthetic = sb.role === 'model' || sb.role === 'settings' || sb.role === 'server-state' || sa.role === 'model' || sa.role === 'settings';
  let tokenOffset = before;
  if (!synthetic && p > 0) tokenOffset += Math.max(0, count(sb.text.slice(0, p)) - (p < sb.text.length ? 1 : 0));
  const base = { segment: i, label: sb.label, charOffset: p, tokenOffset, reusableTokens: tokenOffset };

  if (sa.role === 'model' || sb.role === 'model') {
    return done({ ...base, cause: same ? 'model-change' : 'branch', excerpt: redact(clip(`model ${sa.role === 'model' ? sa.text : '(none)'} → ${sb.role === 'model' ? sb.text : '(none)'}`, SIDE * 2)) });
  }
  if (sa.role === 'settings' || sb.role === 'settings') {
    return done({ ...base, cause: same ? 'settings-change' : 'branch', excerpt: sameSlot ? changeExcerpt(sa.text, sb.text, p) : redact(clip(`${sa.label} → ${sb.label}`, SIDE * 2)) });
  }
  if (sa.level === 'tools' || sb.level === 'tools') {
    const t = classifyTools(a, b, i);
    // another conversation with another tool set is another prompt; a reorder or reformat of the same tools is not
    const cause = !same && t.cause === 'tool-set-change' ? 'branch' : t.cause;
    return done({ ...base, cause, excerpt: t.excerpt ?? changeExcerpt(sa.text, sb.text, p) });
  }
  if (sa.role === 'server-state' || sb.role === 'server-state') {
    return done({ ...base, cause: same ? 'unknown' : 'branch', excerpt: 'history held server-side (previous_response_id) changed' });
  }
  // A branch (another question, another run) is shown as the replacement whole: a character diff of two
  // unrelated turns is confetti, and computing one for every new session's first request cost ~90 ms on
  // the 100 MB agent log.
  const excerptOf = (branch: boolean): string => (sameSlot ? changeExcerpt(sa.text, sb.text, p, !branch) : redact(clip(`${sa.label} → ${sb.label}`, SIDE * 2)));
  // another conversation's request is not shown as a change of this one: no excerpt to build
  const branch = (): PrefixDiff => done({ ...base, cause: 'branch', excerpt: same ? excerptOf(true) : '' });
  const lastA = a.segments.length - 1;
  const lastB = b.segments.length - 1;
  const firstMessage = b.segments.findIndex((x) => x.level === 'messages' && x.role !== 'settings' && x.role !== 'server-state');
  const inMessages = sb.level === 'messages' && sa.level === 'messages';
  // A new final turn is what a request adds, whatever it holds (a question with a date, an id, an e-mail):
  // never a break, nor is the earlier request's last turn being replaced by it (a retry, a new question).
  if (inMessages && (i >= lastB || i >= lastA)) return branch();
  // a different model response (another id, another answer) is another run of the conversation, not a
  // value the application put in its prompt — unless the conversation went on past the earlier request
  // with that response rewritten (an app editing or summarizing its history)
  if (inMessages && (sa.role === 'assistant' || sb.role === 'assistant')) {
    return same && b.segments.length > a.segments.length ? done({ ...base, cause: 'history-rewrite', excerpt: excerptOf(false) }) : branch();
  }
  const sameCanonical = a.hashes[i] !== undefined && a.hashes[i]!.canonical !== '' && a.hashes[i]!.canonical === b.hashes[i]?.canonical;
  const textCause = sameSlot ? classifyTextChange(sa, sb, p, !!(a.keyOrderUnknown || b.keyOrderUnknown), opts.rules?.classifiers ?? [], sameCanonical) : undefined;
  if (textCause) return done({ ...base, cause: textCause, excerpt: excerptOf(false) });
  if (sa.level === 'system' || sb.level === 'system') {
    // across conversations a different system prompt is another prompt; a small edit of a shared one is not
    const edit = same || (sameSlot && isSmallEdit(sa.text, sb.text, p));
    return edit ? done({ ...base, cause: 'system-edit', excerpt: excerptOf(false) }) : branch();
  }
  if (!same) return branch();
  // the same conversation from its first message on: a compaction when the new first message summarizes
  // the history, else a new conversation on a shared prefix; an earlier message changed is a rewrite
  if (i === firstMessage) return COMPACTION.test(sb.text) ? done({ ...base, cause: 'history-rewrite', excerpt: excerptOf(false) }) : branch();
  return done({ ...base, cause: 'history-rewrite', excerpt: excerptOf(false) });
}

/** Token counts per segment; settings segments count zero (they are not prompt text). */
export function segmentTokens(segments: readonly Segment[], count: (text: string) => number): number[] {
  return segments.map((s) => (s.role === 'model' || s.role === 'settings' || s.role === 'server-state' ? 0 : count(s.text)));
}

/**
 * Builds the diff input of a request (hashes and token counts). With a run's hasher and memo, a segment
 * whose raw hash was seen before reuses its canonical hash and token count (each distinct text is
 * tokenized once per run), and the input holds the earlier, equal string of a resent text (see
 * SegmentHasher). The request itself is never changed.
 */
export function diffInput(req: KvRequest, count: (text: string) => number, run?: { hasher: SegmentHasher; memo: SegmentMemo }): DiffInput {
  const hashes = run ? run.hasher.hashSegments(req.segments, run.memo) : hashSegments(req.segments);
  const tokens = run
    ? req.segments.map((s, i) => {
        if (s.role === 'model' || s.role === 'settings' || s.role === 'server-state') return 0;
        const e = run.memo.get(hashes[i]!.raw);
        return (e.tokens ??= count(s.text));
      })
    : segmentTokens(req.segments, count);
  let segments: readonly Segment[] = req.segments;
  if (run) {
    let copy: Segment[] | undefined;
    req.segments.forEach((seg, i) => {
      const t = run.hasher.internedText(seg);
      if (t !== seg.text) (copy ??= req.segments.slice())[i] = { ...seg, text: t };
    });
    if (copy) segments = copy;
  }
  const out: DiffInput = { segments, hashes, tokens };
  if (req.keyOrderUnknown) out.keyOrderUnknown = true;
  return out;
}

/** Compares two requests (used by `kvlint diff a b`). */
export function diffRequests(a: KvRequest, b: KvRequest, tokenizer: Tokenizer, opts: CompareOptions = {}): PrefixDiff {
  // two requests named by the user are compared as one conversation unless said otherwise
  const count = (t: string): number => tokenizer.count(t);
  const o: CompareOptions = { ...opts };
  if (o.gapMs === undefined && a.time !== undefined && b.time !== undefined) o.gapMs = b.time - a.time;
  return comparePrompts(diffInput(a, count), diffInput(b, count), count, o);
}
