// Shapes of the request-log pipeline: detected formats, what adapters emit, and the analysis result
// (per file, per lineage timeline, diagnostics) that formatters and `report.logs` carry.
import type { InputProblem } from '../errors.js';
import type { Diagnostic, KvRequest, ProviderCacheDiagnostics, ReportedUsage } from '../model.js';
import type { DivergenceCause } from '../prefix/diff.js';
import type { List } from '../list.js';
import type { ProviderAgreement } from './provider-diagnostics.js';

/** Every log format kvlint recognizes from content. `response-stream` is recognized only to be rejected. */
export type LogFormat =
  | 'request-jsonl'
  | 'request-response-pairs'
  | 'vcr-yaml'
  | 'vcr-json'
  | 'otel-genai-spans'
  | 'openinference-spans'
  | 'vercel-ai-spans'
  | 'claude-code'
  | 'codex-rollout'
  | 'openai-batch'
  | 'openai-batch-output'
  | 'anthropic-batch'
  | 'anthropic-batch-results'
  | 'langfuse-ingestion'
  | 'sharegpt'
  | 'mtbench'
  | 'bfcl'
  | 'har'
  | 'litellm'
  | 'langfuse'
  | 'response-stream';

/** One request produced by an adapter, with what the adapter knows about its completeness. */
export interface RequestRecord {
  kind: 'request';
  request: KvRequest;
  /** the body is not the whole prompt (Claude Code transcripts lack system and tools; scrubbed bodies) */
  promptIncomplete?: boolean;
  /** facts worth showing next to the request (what is missing, what was inferred) */
  notes?: string[];
  /**
   * events seen in the log since the previous request of the same lineage that explain a cache break
   * the body cannot show (e.g. Claude Code `/mcp` reconnect, `/compact`)
   */
  events?: LogEvent[];
  /** the provider's id for the response (OpenAI Responses `id`), to follow `previous_response_id` chains */
  responseId?: string;
}

/** A record the adapter looked at and deliberately did not turn into a request. */
export interface SkipRecord {
  kind: 'skip';
  /** short stable reason used as the count key, e.g. `non-LLM traffic`, `wrapper span` */
  reason: string;
  line: number;
  /** a call that creates, updates or deletes an explicit cache object: what it says of the object */
  cacheObject?: CacheObjectFacts;
}

/**
 * What a Gemini cachedContents call (create, update, get, delete) says of an explicit cache object: the
 * requests that read it are priced with its creation and storage (src/project/explicit-cache.ts).
 */
export interface CacheObjectFacts {
  /** the resource name requests reference (`cachedContents/…`, or Vertex's `projects/…/cachedContents/…`) */
  name: string;
  /** epoch ms */
  createdAt?: number;
  expiresAt?: number;
  deletedAt?: number;
  /** its size (`usageMetadata.totalTokenCount`) */
  tokens?: number;
}

/** A record that could not be read (bad JSON, unreadable body): becomes a KVE306 InputProblem. */
export interface BadRecord {
  kind: 'bad';
  line: number;
  message: string;
}

export type AdapterOutput = RequestRecord | SkipRecord | BadRecord;

/** Something in a transcript between requests that changes what the provider renders. */
export interface LogEvent {
  kind: 'mcp-reconnect' | 'compaction' | 'clear' | 'model-switch';
  line: number;
  detail: string;
}

/** What the analysis says about one input file. */
export interface LogFileSummary {
  file: string;
  /** the detected format, or undefined when rejected */
  format?: LogFormat;
  requests: number;
  /** records skipped on purpose or because they were malformed, counted by reason */
  skipped: Record<string, number>;
  /** the whole file was not analyzed: why */
  rejected?: string;
  /** file-level facts (truncated gzip, cut-off last line, size limit) */
  notes?: string[];
}

/** The first divergence of a request from the previous request of its lineage. */
export interface TimelineDivergence {
  /** index of the first divergent segment in the new request (-1 when only usage shows the break) */
  segment: number;
  label: string;
  charOffset: number;
  tokenOffset: number;
  cause: DivergenceCause;
  /** rule code the cause maps to, absent for causes without a rule */
  code?: string;
  /** redacted, bounded excerpt of the change */
  excerpt: string;
  /** how the cause was established when it was inferred rather than read from the bodies */
  note?: string;
}

/** One request in a lineage's timeline. */
export interface TimelineEntry {
  /** position of the request in its file, 0-based */
  index: number;
  file: string;
  line: number;
  time?: number;
  model?: string;
  /** index (within this lineage's timeline) of the previous request of the lineage */
  previous?: number;
  /**
   * the nearest prior — the earlier request, any session, sharing this one's longest prefix — when it is
   * not the previous request of the lineage: reuse and divergence are measured against it
   */
  prior?: { lineage: string; file: string; line: number };
  /** prompt tokens (from usage when the body is incomplete, else counted) */
  tokens: number;
  /** tokens come from a stand-in tokenizer or from partial bodies: shown with ≈ */
  approx: boolean;
  /** tokens of the previous request's prompt this one can reuse */
  reusedTokens: number;
  /** tokens of the previous request's prompt that this one cannot reuse */
  lostTokens: number;
  divergence?: TimelineDivergence;
  usage?: ReportedUsage;
  /** what the provider said about a cache miss of this request (KvRequest.diagnostics) */
  providerDiagnostics?: ProviderCacheDiagnostics;
  notes?: string[];
  /**
   * The chained prefix hashes through each segment, delta-encoded against the previous request of the
   * lineage: links before `from` are that request's (they are equal by construction of the chain), so a
   * growing conversation stores only its new links and memory stays proportional to new content. With no
   * previous request `from` is 0 and the chains are whole. `expandChains` rebuilds the full arrays.
   */
  hashes: {
    /** number of segments in this request */
    segments: number;
    /** index of the first raw link stored here */
    from: number;
    /** chained raw prefix hash through segments from…segments-1, hex */
    rawChain: string[];
    /** index of the first canonical link stored here */
    canonicalFrom: number;
    /** chained canonical prefix hash through segments canonicalFrom…segments-1, hex */
    canonicalChain: string[];
    /** chained token-block hashes per block size, when requested */
    blocks?: Record<string, { count: number; reused: number; last?: string }>;
  };
}

/** Requests that may share a cache, in order. */
export interface LineageTimeline {
  lineage: string;
  lineageSource: string;
  provider: string;
  requests: TimelineEntry[];
  /** sums over the timeline */
  tokens: number;
  reusedTokens: number;
  lostTokens: number;
  breaks: number;
}

/** The whole result of analyzing request logs; the lead puts it under `report.logs`. */
export interface LogAnalysis {
  files: LogFileSummary[];
  lineages: LineageTimeline[];
  diagnostics: Diagnostic[];
  problems: InputProblem[];
  summary: {
    files: number;
    requests: number;
    lineages: number;
    breaks: number;
    tokens: number;
    reusedTokens: number;
    lostTokens: number;
    /** some token counts are approximate */
    approx: boolean;
    /** skipped records over all files, by reason */
    skipped: Record<string, number>;
    /** the provider's own cache diagnostics against kvlint's cause, where the log carries them */
    providerDiagnostics?: ProviderAgreement;
  };
}

/** A lineage as a report holds it: its requests may be a LazyList, each built when it is read (src/list.ts). */
export interface LineageView extends Omit<LineageTimeline, 'requests'> {
  requests: List<TimelineEntry>;
}

/** The analysis as a report holds it and formatters read it (a LogAnalysis is one). */
export interface LogView extends Omit<LogAnalysis, 'lineages'> {
  lineages: LineageView[];
}
