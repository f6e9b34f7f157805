// Redaction of evidence before it is printed: CI logs are public. One place decides what is secret.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';

interface Pattern {
  name: string;
  re: RegExp;
}

// Order matters: specific key formats before the generic ones that would also match them.
const PATTERNS: Pattern[] = [
  { name: 'anthropic-key', re: /\bsk-ant-[A-Za-z0-9_-]{10,}/g },
  { name: 'openai-key', re: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g },
  { name: 'google-key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { name: 'aws-key', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { name: 'github-token', re: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g },
  { name: 'slack-token', re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g },
  { name: 'jwt', re: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { name: 'bearer', re: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{12,}/gi },
  { name: 'secret-assignment', re: /\b((?:api[_-]?key|secret|password|passwd|token|x-api-key|authorization)["']?\s*[:=]\s*["']?)([^\s"',;]{8,})/gi },
  { name: 'email', re: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g },
  { name: 'phone', re: /(?<![\w.-])\+?\d{1,3}[ .-]?\(?\d{2,4}\)?[ .-]\d{3,4}[ .-]\d{3,4}(?![\w-])/g },
];

/** Most secret values one run notes (see {@link Redactor.noteSecrets}): a file full of assignments cannot grow it without end. */
const MAX_NOTED = 10_000;

/**
 * What one run redacts: on or off (`--no-redact`, `redact: false` in the API), and the secret values
 * found in context in its inputs. Each run makes its own, so two runs in one process (the library API,
 * a test suite) never see each other's setting or secrets.
 */
export class Redactor {
  /**
   * Secret values found in context in a whole input: the token after `Bearer`, the value after
   * `api_key=`. Evidence is often only the value (a rule reports the token, not the word before it), so
   * {@link redact} also replaces every value noted here wherever it appears.
   */
  private readonly noted = new Set<string>();
  private notedSorted: string[] = [];

  constructor(readonly enabled: boolean = true) {}

  /** Notes the secret values that context reveals in `text` (a whole template), for {@link redact}. */
  noteSecrets(text: string): void {
    if (!this.enabled || this.noted.size >= MAX_NOTED) return;
    const before = this.noted.size;
    for (const { name, re } of PATTERNS) {
      if (name !== 'bearer' && name !== 'secret-assignment') continue;
      re.lastIndex = 0;
      for (const m of text.matchAll(re)) {
        const value = name === 'bearer' ? m[0].replace(/^\S+\s+/, '') : m[2];
        if (value && value.length >= 8 && this.noted.size < MAX_NOTED) this.noted.add(value);
      }
    }
    // longest first, so a value that contains another is replaced whole
    if (this.noted.size !== before) this.notedSorted = [...this.noted].sort((x, y) => y.length - x.length || (x < y ? -1 : 1));
  }

  /**
   * Replaces secrets and personal data in text with `[REDACTED:kind]` (unless redaction is off), or with
   * what `mark` makes of the kind and the value replaced.
   */
  redact(text: string, mark?: (kind: string, value: string) => string): string {
    if (!this.enabled) return text;
    let out = text;
    for (const v of this.notedSorted) if (out.includes(v)) out = out.split(v).join(mark ? mark('secret', v) : '[REDACTED:secret]');
    for (const { name, re } of PATTERNS) {
      re.lastIndex = 0;
      if (name === 'secret-assignment') out = out.replace(re, (_m, k: string, v: string) => `${k}${mark ? mark('secret', v) : '[REDACTED:secret]'}`);
      else if (name === 'bearer') out = out.replace(re, (m: string, scheme: string) => `${scheme} ${mark ? mark('token', m.slice(scheme.length).trim()) : '[REDACTED:token]'}`);
      else out = mark ? out.replace(re, (m: string) => mark(name, m)) : out.replace(re, `[REDACTED:${name}]`);
    }
    return out;
  }
}

/**
 * The redactor of the run in progress. The many places that print evidence (rules, the prefix diff, the
 * log analysis, the HTML report) ask for it here rather than having it passed down every call chain;
 * async context keeps concurrent runs apart where a module variable would mix them. (Measured on a 78 MB
 * log analyzed on the main thread: within the run-to-run noise, ~2%.)
 */
const current = new AsyncLocalStorage<Redactor>();

/** Outside any run: redaction on, nothing noted (a run's noted secrets are its own). */
class Outside extends Redactor {
  override noteSecrets(): void {}
}
const OUTSIDE = new Outside(true);

/** Runs `fn` with `redactor` as the one {@link redact} and {@link noteSecrets} use, in it and all it awaits. */
export function withRedactor<T>(redactor: Redactor, fn: () => T): T {
  return current.run(redactor, fn);
}

/** Notes the secret values that context reveals in `text` for the rest of the current run (see {@link Redactor}). */
export function noteSecrets(text: string): void {
  (current.getStore() ?? OUTSIDE).noteSecrets(text);
}

/** Replaces secrets and personal data in text with `[REDACTED:kind]`, unless the current run turned redaction off. */
export function redact(text: string): string {
  return (current.getStore() ?? OUTSIDE).redact(text);
}

/**
 * An identifier (a lineage key such as OpenAI's `user` or Anthropic's `metadata.user_id`) as it may be
 * printed: redacted like any evidence, plus a short hash of the original when redaction changed it, so
 * two users stay two lineages (`[REDACTED:email]~3f2a9c1b`). The hash is of the value alone: someone who
 * already knows an address can confirm it, which is the price of keeping the grouping.
 */
export function redactKey(key: string): string {
  const shown = redact(key);
  return shown === key ? key : `${shown}~${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

/** Shortens text to at most max characters around its middle, marking the cut with …, on one line. */
export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\r\n|\r|\n/g, '⏎').replace(/\t/g, '⇥');
  if (flat.length <= max) return flat;
  return `${flat.slice(0, max - 1)}…`;
}
