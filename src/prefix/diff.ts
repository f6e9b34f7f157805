// First divergence between two consecutive prompts of a lineage, pure: where (segment, character, token),
// what it costs (tokens reusable vs lost), a bounded redacted excerpt, and a classified cause that maps to
// a rule code (CAUSE_RULES is the one place that mapping lives).
import { diffChars, type ChangeObject } from 'diff';
import type { KvRequest, Segment } from '../model.js';
import { redact } from '../redact.js';
import type { Tokenizer } from '../tokenize/index.js';
import { canonicalForm, canonicalText, hashSegments, type SegmentHashes, type SegmentMemo } from './hash.js';

/** Why a prompt stopped sharing its prefix with the previous one (or why it did not). */
export type DivergenceCause =
  | 'timestamp'
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

/**
 * Cause → rule. Causes without a rule are still shown as divergences: `settings-change` (tool_choice,
 * thinking, response format…: documented invalidators, not mistakes), `branch` (the previous request's
 * last message was replaced, i.e. a new question on a shared prefix, or a retry), `unknown`.
 */
export const CAUSE_RULES: Readonly<Record<DivergenceCause, { ruleId: string; code: string } | undefined>> = {
  timestamp: { ruleId: 'no-timestamp-in-prefix', code: 'KV101' },
  identifier: { ruleId: 'no-identifier-in-prefix', code: 'KV103' },
  'user-data': { ruleId: 'no-user-data-in-prefix', code: 'KV104' },
  'tool-set-change': { ruleId: 'no-tool-set-change', code: 'KV107' },
  'system-edit': { ruleId: 'no-system-edit', code: 'KV108' },
  'model-change': { ruleId: 'no-model-change', code: 'KV109' },
  'history-rewrite': { ruleId: 'no-history-rewrite', code: 'KV110' },
  'tool-reorder': { ruleId: 'require-sorted-tools', code: 'KV201' },
  'key-order': { ruleId: 'no-unstable-key-order', code: 'KV202' },
  'ttl-gap': { ruleId: 'no-ttl-gap', code: 'KV305' },
  whitespace: { ruleId: 'no-trailing-whitespace', code: 'KV402' },
  'settings-change': undefined,
  branch: undefined,
  'append-only': undefined,
  identical: undefined,
  unknown: undefined,
};

/** Whitespace causes that are line-ending changes map to the CRLF rule instead of trailing whitespace. */
export const CRLF_RULE = { ruleId: 'no-crlf', code: 'KV401' } as const;

/** Causes that are not breaks: the new request reuses all of the previous one. */
export function isBreak(cause: DivergenceCause): boolean {
  return cause !== 'append-only' && cause !== 'identical';
}

// Volatile-value patterns. Deliberately strict (a weekday name alone, "10 AM", is not a timestamp) so
// user-turn prose does not read as a clock.
const MONTH = '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';
const WEEKDAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*';
/** Timestamps and dates: ISO, US/EU numeric, natural-language, clock times with seconds, epoch seconds/ms. */
export const TIMESTAMP_PATTERNS: readonly RegExp[] = [
  /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g,
  /\b\d{1,2}[/.]\d{1,2}[/.]\d{4}\b/g,
  new RegExp(`\\b${WEEKDAY},? ${MONTH}\\.? \\d{1,2}(?:,? \\d{4})?\\b`, 'g'),
  new RegExp(`\\b${MONTH}\\.? \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}\\b`, 'g'),
  new RegExp(`\\b\\d{1,2} ${MONTH} \\d{4}\\b`, 'g'),
  /\b\d{1,2}:\d{2}:\d{2}(?:\s?[AP]M)?\b/g,
  /\b1[5-9]\d{8}(?:\d{3})?\b/g,
];
/** Identifiers: UUIDs, ULIDs, long hex, provider-prefixed ids. */
export const IDENTIFIER_PATTERNS: readonly RegExp[] = [
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi,
  /\b[0-7][0-9A-HJKMNP-TV-Z]{25}\b/g,
  /\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{16,}\b/gi,
  /\b(?:req|msg|resp|chatcmpl|call|toolu|run|thread|sess|session|trace|span|evt)[_-][A-Za-z0-9_-]{8,}\b/g,
];
/** Personal data: e-mail, home paths with a user name, phone numbers. */
export const USER_DATA_PATTERNS: readonly RegExp[] = [
  /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g,
  /(?:\/Users\/|\/home\/|[A-Za-z]:\\Users\\)[A-Za-z0-9._-]+/g,
  /(?<![\w.-])\+?\d{1,3}[ .-]?\(?\d{2,4}\)?[ .-]\d{3,4}[ .-]\d{3,4}(?![\w-])/g,
];

/**
 * Patterns joined into one alternation, so text is scanned once instead of once per pattern (a log's
 * first requests run every timestamp pattern over whole prompts). Same answer as trying each pattern:
 * the alternation matches first where the earliest pattern matches, and there, tries the patterns in
 * list order, as findPattern breaks ties. Only for lists whose patterns share their flags.
 */
const joined = new WeakMap<readonly RegExp[], RegExp | null>();

function joinedPattern(patterns: readonly RegExp[]): RegExp | null {
  let re = joined.get(patterns);
  if (re === undefined) {
    const flags = patterns[0]?.flags;
    re = flags !== undefined && patterns.every((p) => p.flags === flags) ? new RegExp(patterns.map((p) => `(?:${p.source})`).join('|'), flags) : null;
    joined.set(patterns, re);
  }
  return re;
}

/** The first match of any pattern in text, with its offset (on a tie, the earlier pattern's). */
export function findPattern(text: string, patterns: readonly RegExp[]): { index: number; match: string } | undefined {
  const all = joinedPattern(patterns);
  if (all) {
    all.lastIndex = 0;
    const m = all.exec(text);
    return m ? { index: m.index, match: m[0] } : undefined;
  }
  let best: { index: number; match: string } | undefined;
  for (const re of patterns) {
    re.lastIndex = 0;
    const m = re.exec(text);
    if (m && (!best || m.index < best.index)) best = { index: m.index, match: m[0] };
  }
  return best;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** `\w` without the u flag: ASCII letters, digits and underscore. */
const isWordChar = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const MONTH_PREFIXES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * False only when no TIMESTAMP_PATTERNS match is possible: every match holds a digit, `-`, `/`, `.` or
 * `:`, and a digit (ISO, numeric and clock forms), or a month name (the natural-language forms), or a
 * `1` after a non-word character followed by nine more digits (epoch seconds/ms). Each is found with
 * indexOf, memchr-fast, where the joined pattern runs its alternatives at every character: a log whose
 * requests all start lineages (every first prompt is scanned whole) spent ~1.2 s there on 200 MB.
 */
export function mayHoldTimestamp(t: string): boolean {
  for (const sep of ['-', '/', '.', ':']) {
    for (let i = t.indexOf(sep, 1); i !== -1; i = t.indexOf(sep, i + 1)) if (isDigit(t.charCodeAt(i - 1)) && isDigit(t.charCodeAt(i + 1))) return true;
  }
  for (const m of MONTH_PREFIXES) if (t.includes(m)) return true;
  for (let i = t.indexOf('1'); i !== -1; i = t.indexOf('1', i + 1)) {
    if (i > 0 && isWordChar(t.charCodeAt(i - 1))) continue;
    let k = i + 1;
    while (k < i + 10 && isDigit(t.charCodeAt(k))) k++;
    if (k === i + 10) return true;
  }
  return false;
}

/** findPattern(text, TIMESTAMP_PATTERNS), skipping texts that cannot hold one (see mayHoldTimestamp). */
export function findTimestamp(text: string): { index: number; match: string } | undefined {
  return mayHoldTimestamp(text) ? findPattern(text, TIMESTAMP_PATTERNS) : undefined;
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
  /** milliseconds between the two requests, when known */
  gapMs?: number;
  /** the cache TTL that applies, in seconds */
  ttlSeconds?: number;
}

function sum(xs: readonly number[], end: number): number {
  let s = 0;
  for (let i = 0; i < end && i < xs.length; i++) s += xs[i] ?? 0;
  return s;
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  // never split a surrogate pair
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
export function changeExcerpt(aText: string, bText: string, p: number): string {
  const s = commonSuffix(aText, bText, p);
  const aMid = aText.slice(p, aText.length - s).slice(0, SIDE * 2);
  const bMid = bText.slice(p, bText.length - s).slice(0, SIDE * 2);
  const before = clip(bText.slice(Math.max(0, p - CONTEXT), p), CONTEXT, true);
  const after = clip(bText.slice(bText.length - s, bText.length - s + 40), 40);
  let del = '';
  let ins = '';
  // a pure insertion or deletion needs no search
  const changes: ChangeObject<string>[] | undefined =
    aMid === '' || bMid === '' ? [{ value: aMid || bMid, added: aMid === '', removed: bMid === '', count: 1 }].filter((c) => c.value !== '') : diffChars(aMid, bMid, { maxEditLength: MAX_EDIT });
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

/** Does a pattern match text overlapping [start, end)? Looks at a window around the change only. */
function matchesChange(text: string, start: number, end: number, patterns: readonly RegExp[]): boolean {
  const ws = Math.max(0, start - 40);
  const win = text.slice(ws, Math.min(text.length, Math.max(end, start + 1) + 40));
  for (const re of patterns) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(win)) !== null) {
      const a = ws + m.index;
      const b = a + m[0].length;
      if (a < Math.max(end, start + 1) && b > start) return true;
      if (m[0].length === 0) re.lastIndex++;
    }
  }
  return false;
}

/** Classifies a change of text inside one segment by what changed: clock, id, personal data, spacing. */
function classifyTextChange(a: Segment, b: Segment, p: number, keyOrderUnknown: boolean): DivergenceCause | undefined {
  if (canonicalText(a.text) === canonicalText(b.text)) return 'whitespace';
  if (a.value !== undefined && b.value !== undefined && canonicalForm(a) === canonicalForm(b)) return keyOrderUnknown ? 'unknown' : 'key-order';
  const s = commonSuffix(a.text, b.text, p);
  const endA = a.text.length - s;
  const endB = b.text.length - s;
  if (matchesChange(b.text, p, endB, TIMESTAMP_PATTERNS) || matchesChange(a.text, p, endA, TIMESTAMP_PATTERNS)) return 'timestamp';
  if (matchesChange(b.text, p, endB, IDENTIFIER_PATTERNS) || matchesChange(a.text, p, endA, IDENTIFIER_PATTERNS)) return 'identifier';
  if (matchesChange(b.text, p, endB, USER_DATA_PATTERNS) || matchesChange(a.text, p, endA, USER_DATA_PATTERNS)) return 'user-data';
  return undefined;
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
  const done = (d: Omit<PrefixDiff, 'ruleId' | 'code' | 'lostTokens'> & { lostTokens?: number }): PrefixDiff => {
    const rule = CAUSE_RULES[d.cause];
    const out: PrefixDiff = { ...d, lostTokens: d.lostTokens ?? Math.max(0, totalA - d.reusableTokens) };
    if (rule) {
      out.ruleId = rule.ruleId;
      out.code = rule.code;
      if (d.cause === 'whitespace' && d.excerpt.includes('␍')) {
        out.ruleId = CRLF_RULE.ruleId;
        out.code = CRLF_RULE.code;
      }
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
    const same = b.segments.length === a.segments.length;
    return done({ segment: -1, label: '', charOffset: 0, tokenOffset: totalA, reusableTokens: totalA, cause: same ? 'identical' : 'append-only', excerpt: '' });
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
    return done({ ...base, cause: 'model-change', excerpt: redact(clip(`model ${sa.role === 'model' ? sa.text : '(none)'} → ${sb.role === 'model' ? sb.text : '(none)'}`, SIDE * 2)) });
  }
  if (sa.role === 'settings' || sb.role === 'settings') {
    return done({ ...base, cause: 'settings-change', excerpt: sameSlot ? changeExcerpt(sa.text, sb.text, p) : redact(clip(`${sa.label} → ${sb.label}`, SIDE * 2)) });
  }
  if (sa.level === 'tools' || sb.level === 'tools') {
    const t = classifyTools(a, b, i);
    return done({ ...base, cause: t.cause, excerpt: t.excerpt ?? changeExcerpt(sa.text, sb.text, p) });
  }
  if (sa.role === 'server-state' || sb.role === 'server-state') {
    return done({ ...base, cause: 'unknown', excerpt: 'history held server-side (previous_response_id) changed' });
  }
  const excerpt = sameSlot ? changeExcerpt(sa.text, sb.text, p) : redact(clip(`${sa.label} → ${sb.label}`, SIDE * 2));
  const textCause = sameSlot ? classifyTextChange(sa, sb, p, !!(a.keyOrderUnknown || b.keyOrderUnknown)) : undefined;
  if (textCause) return done({ ...base, cause: textCause, excerpt });
  if (sa.level === 'system' || sb.level === 'system') return done({ ...base, cause: 'system-edit', excerpt });
  // messages: the previous request's last message replaced, or a new conversation from the first
  // message on (tools and system shared), is a branch; an earlier message changed is a rewrite
  const lastA = a.segments.length - 1;
  const firstMessage = b.segments.findIndex((s) => s.level === 'messages' && s.role !== 'settings' && s.role !== 'server-state');
  return done({ ...base, cause: i >= lastA || i === firstMessage ? 'branch' : 'history-rewrite', excerpt });
}

/** Token counts per segment; settings segments count zero (they are not prompt text). */
export function segmentTokens(segments: readonly Segment[], count: (text: string) => number): number[] {
  return segments.map((s) => (s.role === 'model' || s.role === 'settings' || s.role === 'server-state' ? 0 : count(s.text)));
}

/**
 * Builds the diff input of a request (hashes and token counts). With a memo, a segment whose raw hash was
 * seen before reuses its canonical hash and token count: each distinct text is tokenized once per run.
 */
export function diffInput(req: KvRequest, count: (text: string) => number, memo?: SegmentMemo): DiffInput {
  const hashes = hashSegments(req.segments, memo);
  const tokens = memo
    ? req.segments.map((s, i) => {
        if (s.role === 'model' || s.role === 'settings' || s.role === 'server-state') return 0;
        const e = memo.get(hashes[i]!.raw);
        return (e.tokens ??= count(s.text));
      })
    : segmentTokens(req.segments, count);
  const out: DiffInput = { segments: req.segments, hashes, tokens };
  if (req.keyOrderUnknown) out.keyOrderUnknown = true;
  return out;
}

/** Compares two requests (used by `kvlint diff a b`). */
export function diffRequests(a: KvRequest, b: KvRequest, tokenizer: Tokenizer, opts: CompareOptions = {}): PrefixDiff {
  const count = (t: string): number => tokenizer.count(t);
  const o: CompareOptions = { ...opts };
  if (o.gapMs === undefined && a.time !== undefined && b.time !== undefined) o.gapMs = b.time - a.time;
  return comparePrompts(diffInput(a, count), diffInput(b, count), count, o);
}
