// A static check for regular expressions that can backtrack catastrophically (ReDoS), for the patterns a
// user writes into a config (rule options of type `regexes`). JavaScript's engine backtracks, and a rule
// runs its patterns over every template in CI: `(a+)+$` on forty a's and a b takes longer than the
// universe. We refuse such a pattern up front, naming the config file and line, rather than run it with a
// timeout (a RegExp cannot be interrupted on the main thread).
//
// What is refused (the two shapes behind nearly all exponential blow-ups):
//   1. nested quantifiers: an unbounded quantifier (`*`, `+`, `{n,}`, or `{n,m}` with m > 100) on a group
//      that itself contains an unbounded quantifier whose atom can also match the group's first
//      character — `(a+)+`, `(\w*\s?)*`, `(?:x+y?){2,}` (but not `(?:-[a-z]+)*`, where every iteration
//      starts with a '-' the inner repeat cannot eat);
//   2. overlapping alternation under an unbounded quantifier — `(a|ab)*`, `(\w|\d)+`, `(.|\s)*`: two
//      alternatives that can begin with the same character.
// Polynomial cases (`\d+\d+$`) and back-references are not detected: the check is a guard against the
// common disasters, not a proof of safety. Bounded repeats such as `(a+){2}` are allowed.
import { KvlintError } from '../errors.js';
import type { LoadedRule } from '../engine/rule.js';
import { ruleIndex } from '../engine/registry.js';
import type { KvlintConfig, RuleEntry } from './types.js';

/** One group (or the whole pattern) while scanning. */
interface Frame {
  /** atoms repeated without bound somewhere inside (a repeated group stands for its first atoms) */
  unbounded: string[];
  /** the first atom of each alternative, as a pattern source ('' when the alternative is empty) */
  firstAtoms: string[];
  /** start of the current alternative has been seen (its first atom recorded) */
  altStarted: boolean;
}

/** Why a pattern may backtrack catastrophically, or undefined when the check finds nothing. */
export function unsafeRegexReason(source: string): string | undefined {
  const stack: Frame[] = [{ unbounded: [], firstAtoms: [], altStarted: false }];
  let i = 0;
  // The group (frame) that the last atom closed, so a quantifier right after `)` applies to it.
  let lastGroup: Frame | undefined;
  let lastGroupText = '';
  const groupStarts: number[] = [];
  const top = (): Frame => stack[stack.length - 1]!;
  let lastAtom = '';
  const recordAtom = (atom: string): void => {
    lastAtom = atom;
    const f = top();
    if (!f.altStarted) {
      f.firstAtoms.push(atom);
      f.altStarted = true;
    }
  };
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') {
      const atom = source.slice(i, i + 2);
      recordAtom(atom);
      lastGroup = undefined;
      i += 2;
    } else if (c === '[') {
      let j = i + 1;
      if (source[j] === '^') j++;
      if (source[j] === ']') j++;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      recordAtom(source.slice(i, j + 1));
      lastGroup = undefined;
      i = j + 1;
    } else if (c === '(') {
      recordAtom('(');
      groupStarts.push(i);
      stack.push({ unbounded: [], firstAtoms: [], altStarted: false });
      i += source.startsWith('(?:', i) || source.startsWith('(?=', i) || source.startsWith('(?!', i) ? 3 : source.startsWith('(?<=', i) || source.startsWith('(?<!', i) ? 4 : 1;
      if (source.startsWith('(?<', i - 1) && source[i] !== '=' && source[i] !== '!') {
        // named group (?<name>…)
        const close = source.indexOf('>', i);
        i = close === -1 ? i : close + 1;
      }
    } else if (c === ')') {
      const f = stack.length > 1 ? stack.pop()! : top();
      if (!f.altStarted) f.firstAtoms.push('');
      const start = groupStarts.pop() ?? 0;
      lastGroup = f;
      lastGroupText = source.slice(start, i + 1);
      // what is inside a group is inside its parent too
      top().unbounded.push(...f.unbounded);
      i++;
      continue;
    } else if (c === '|') {
      const f = top();
      if (!f.altStarted) f.firstAtoms.push('');
      f.altStarted = false;
      lastGroup = undefined;
      i++;
    } else if (c === '*' || c === '+' || c === '?' || c === '{') {
      let unbounded = c === '*' || c === '+';
      let len = 1;
      if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
        if (!m) {
          recordAtom('{');
          lastGroup = undefined;
          i++;
          continue;
        }
        len = m[0].length;
        unbounded = m[2] !== undefined && (m[3] === '' || Number(m[3]) > 100);
      }
      if (source[i + len] === '?' || source[i + len] === '+') len++; // lazy / possessive-looking suffix
      if (unbounded) {
        if (lastGroup) {
          // A repeated group whose inner repeat can also consume the group's first character lets each
          // run of input be split between iterations in exponentially many ways: (a+)+, (\w+\s?)+.
          // (?:-[a-z]+)* is fine: every iteration must start with '-', which [a-z]+ cannot eat.
          const inner = lastGroup.unbounded.find((u) => lastGroup!.firstAtoms.some((f) => overlaps(u, f)));
          if (inner !== undefined) {
            return `nested quantifiers: ${lastGroupText}${source.slice(i, i + len)} repeats a group whose inner repeat '${inner}' can also match how the group starts`;
          }
          const overlap = overlappingAlternatives(lastGroup.firstAtoms);
          if (overlap) return `overlapping alternatives under a repeat: ${lastGroupText}${source.slice(i, i + len)} (${overlap})`;
        }
        if (lastGroup) top().unbounded.push(...lastGroup.firstAtoms.filter((f) => f !== '' && f !== '('));
        else top().unbounded.push(lastAtom);
      }
      lastGroup = undefined;
      i += len;
      continue;
    } else {
      recordAtom(c);
      lastGroup = undefined;
      i++;
    }
  }
  return undefined;
}

/** Printable ASCII plus a few common others: the sample used to decide whether two first atoms can overlap. */
const SAMPLE: string[] = (() => {
  const out: string[] = [];
  for (let c = 9; c < 127; c++) out.push(String.fromCharCode(c));
  out.push('é', 'ß', '中', '\u00a0');
  return out;
})();

/** Describes two alternatives that can start with the same character, if any. */
function overlappingAlternatives(atoms: readonly string[]): string | undefined {
  if (atoms.length < 2) return undefined;
  const sets = atoms.map((a) => firstChars(a));
  for (let x = 0; x < sets.length; x++) {
    for (let y = x + 1; y < sets.length; y++) {
      const a = sets[x];
      const b = sets[y];
      // an empty alternative or a group start: the overlap cannot be decided cheaply, so say nothing
      if (!a || !b) continue;
      for (const ch of a) {
        if (b.has(ch)) return `'${atoms[x]}' and '${atoms[y]}' can both match ${JSON.stringify(ch)}`;
      }
    }
  }
  return undefined;
}

/** True when two atoms can match a common character (unknown counts as no). */
function overlaps(a: string, b: string): boolean {
  const x = firstChars(a);
  const y = firstChars(b);
  if (!x || !y) return false;
  for (const ch of x) if (y.has(ch)) return true;
  return false;
}

/** The sample characters an atom can match first, or undefined when that is unknown. */
function firstChars(atom: string): Set<string> | undefined {
  if (atom === '' || atom === '(' || atom === '^' || atom === '$') return undefined;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${atom})`, 'u');
  } catch {
    try {
      re = new RegExp(`^(?:${atom})`);
    } catch {
      return undefined;
    }
  }
  const out = new Set<string>();
  for (const ch of SAMPLE) if (re.test(ch)) out.add(ch);
  return out;
}

/**
 * Checks every `regexes` option a config sets (top level and overrides) and throws KVE201 naming the
 * config file and the rule's line for a pattern that can backtrack catastrophically.
 */
export function checkConfigRegexes(config: KvlintConfig, rules: readonly LoadedRule[]): void {
  const lookup = ruleIndex(rules);
  const entries: RuleEntry[] = [...config.rules, ...config.overrides.flatMap((o) => o.rules)];
  for (const entry of entries) {
    if (!entry.options) continue;
    const rule = lookup(entry.name) as LoadedRule | undefined;
    if (!rule) continue;
    for (const [key, value] of Object.entries(entry.options)) {
      if (rule.impl.options[key]?.type !== 'regexes' || !Array.isArray(value)) continue;
      for (const src of value) {
        if (typeof src !== 'string') continue;
        const why = unsafeRegexReason(src);
        if (why) {
          throw new KvlintError('KVE201', `${config.file}:${entry.line}: ${entry.key}: option '${key}' pattern /${src}/ can backtrack catastrophically: ${why}`, {
            file: config.file,
            line: entry.line,
            hint: 'remove the nested repeat or make the alternatives start differently, e.g. (a+)+ → a+, (a|ab)* → (ab?)*',
          });
        }
      }
    }
  }
}
