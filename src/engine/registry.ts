// Loading the built-in rules: reads rules/*.yaml, validates each file against the rule shape and its
// check's option spec, and joins it to the check. Any problem is KVE202 naming the file and line.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { yaml } from '../yaml.js';
import type { Pair, YAMLMap } from 'yaml';
import { CHECKS } from '../checks/index.js';
import { DIVERGENCE_CAUSES, PAIR_MESSAGE_KEYS } from '../checks/divergence.js';
import { KvlintError } from '../errors.js';
import type { Category } from '../model.js';
import { ENGINE_DATA_KEYS, withDefaults } from './rule.js';
import { fromSnapshot } from '../snapshot.js';
import type { LoadedRule, RuleDefinition } from './rule.js';
import { packagePath } from '../paths.js';

/** Keys of a rule file, in the order they must appear. */
export const RULE_KEYS = [
  'id',
  'code',
  'category',
  'severity',
  'recommended',
  'since',
  'scope',
  'where',
  'check',
  'with',
  'positional',
  'defersTo',
  'cause',
  'messages',
  'maxSeverity',
  'fixable',
  'fix',
  'docs',
] as const;
const OPTIONAL = new Set<string>(['with', 'positional', 'defersTo', 'cause', 'maxSeverity', 'fix']);
const REQUIRED = new Set<string>(RULE_KEYS.filter((k) => !OPTIONAL.has(k)));
const DOCS_KEYS = ['summary', 'why', 'bad', 'good', 'targets'] as const;
const CATEGORY_BY_DIGIT: Record<string, Category> = { '1': 'breaker', '2': 'risk', '3': 'waste', '4': 'hygiene' };
const WHERE = new Set(['tools', 'system', 'messages', 'prefix']);

/** The package's rules/ directory. */
export function defaultRulesDir(): string {
  return packagePath('rules');
}

const cache = new Map<string, LoadedRule[]>();

/**
 * Loads, validates and sorts (by code) every `*.yaml` rule in a directory; cached per directory.
 * @throws KvlintError KVE202 for an invalid rule file (with file and line), a duplicate code or id.
 */
export function loadRules(rulesDir: string = defaultRulesDir()): LoadedRule[] {
  const dir = resolve(rulesDir);
  const hit = cache.get(dir);
  if (hit) return hit;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort();
  } catch (e) {
    throw new KvlintError('KVE202', `cannot read the rules directory ${dir}: ${(e as Error).message}`, { file: dir });
  }
  const rules = names.map((n) => loadRuleFile(join(dir, n)));
  const byCode = new Map<string, LoadedRule>();
  for (const r of rules) {
    const other = byCode.get(r.code);
    if (other) throw new KvlintError('KVE202', `rule code ${r.code} is used by both ${other.id} and ${r.id}`, { file: r.file, line: 2 });
    byCode.set(r.code, r);
  }
  const find = ruleIndex(rules);
  for (const r of rules) {
    for (const name of r.defersTo) {
      const other = find(name);
      if (!other || other === r) throw new KvlintError('KVE202', `rule ${r.id} defers to '${name}', which is ${other ? 'itself' : 'not a rule'}`, { file: r.file });
    }
  }
  rules.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  cache.set(dir, rules);
  return rules;
}

/** Resolves a rule id (`no-crlf`) or code (`KV401`, any case) to its rule. */
export function ruleIndex(rules: readonly LoadedRule[]): (idOrCode: string) => LoadedRule | undefined {
  const map = new Map<string, LoadedRule>();
  for (const r of rules) {
    map.set(r.id, r);
    map.set(r.code, r);
  }
  return (key) => map.get(key) ?? map.get(key.toUpperCase());
}

/** Reads one rule file and joins it to its check: from the build snapshot when the text is unchanged. */
export function loadRuleFile(file: string): LoadedRule {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KvlintError('KVE202', `cannot read rule file: ${(e as Error).message}`, { file });
  }
  const snap = fromSnapshot<RuleDefinition>(text);
  const impl = snap ? CHECKS.get(snap.check) : undefined;
  if (snap && impl) return { ...snap, file, impl, options: withDefaults(impl.options, snap.with) };
  const def = parseRuleFile(file, text);
  const check = CHECKS.get(def.check)!;
  return { ...def, file, impl: check, options: withDefaults(check.options, def.with) };
}

/** Parses and validates the text of one rule file against the rule shape and its check's spec. */
export function parseRuleFile(file: string, text: string): RuleDefinition {
  const lines = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const fail = (message: string, offset?: number): never => {
    throw new KvlintError('KVE202', message, {
      file,
      line: offset === undefined ? 1 : lines.linePos(offset).line,
      hint: 'see rules/README or an existing rule file for the expected shape',
    });
  };
  const firstError = doc.errors[0];
  if (firstError) fail(`invalid YAML: ${firstError.message.split('\n')[0]}`, firstError.pos[0]);
  if (!yaml().isMap(doc.contents)) fail('a rule file must be a mapping of keys to values');
  const map = doc.contents as YAMLMap;
  const offsets = new Map<string, number>();
  let lastIndex = -1;
  for (const pair of map.items as Pair[]) {
    const key = yaml().isScalar(pair.key) ? String(pair.key.value) : '';
    const at = yaml().isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0;
    const index = (RULE_KEYS as readonly string[]).indexOf(key);
    if (index < 0) fail(`unknown key '${key}' (expected: ${RULE_KEYS.join(', ')})`, at);
    if (offsets.has(key)) fail(`duplicate key '${key}'`, at);
    if (index < lastIndex) fail(`key '${key}' must come before '${RULE_KEYS[lastIndex]}' (order: ${RULE_KEYS.join(', ')})`, at);
    lastIndex = index;
    offsets.set(key, at);
  }
  for (const k of REQUIRED) if (!offsets.has(k)) fail(`missing key '${k}'`);
  const raw = doc.toJS() as Record<string, unknown>;
  const at = (k: string): number | undefined => offsets.get(k);
  const str = (k: string): string => {
    const v = raw[k];
    if (typeof v !== 'string' || v === '') fail(`'${k}' must be a non-empty string`, at(k));
    return v as string;
  };

  const id = str('id');
  const base = file.replace(/\\/g, '/').split('/').pop()?.replace(/\.yaml$/, '');
  if (id !== base) fail(`id '${id}' must equal the file name '${base}'`, at('id'));
  if (!/^(no|require|prefer)-[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) fail(`id '${id}' must be kebab-case and start with no-, require- or prefer-`, at('id'));
  const code = str('code');
  if (!/^KV[1-4]\d\d$/.test(code)) fail(`code '${code}' must look like KV101 (hundreds digit 1-4)`, at('code'));
  const category = str('category');
  const expected = CATEGORY_BY_DIGIT[code.charAt(2)];
  if (category !== expected) fail(`category '${category}' does not match code ${code} (KV${code.charAt(2)}xx is '${expected}')`, at('category'));
  const severity = str('severity');
  if (!['error', 'warning', 'info'].includes(severity)) fail(`severity must be error, warning or info, not '${severity}'`, at('severity'));
  if (typeof raw['recommended'] !== 'boolean') fail("'recommended' must be true or false", at('recommended'));
  const since = str('since');
  if (!/^\d+\.\d+\.\d+$/.test(since)) fail(`'since' must be a version like 0.1.0`, at('since'));
  const scope = str('scope');
  if (scope !== 'template' && scope !== 'session') fail(`scope must be template or session, not '${scope}'`, at('scope'));
  const where = raw['where'];
  if (!Array.isArray(where) || where.length === 0 || where.some((w) => typeof w !== 'string' || !WHERE.has(w))) {
    fail(`'where' must be a non-empty list of: ${[...WHERE].join(', ')}`, at('where'));
  }
  const checkName = str('check');
  const impl = CHECKS.get(checkName);
  if (!impl) fail(`unknown check '${checkName}' (known: ${[...CHECKS.keys()].join(', ')})`, at('check'));
  const check = impl!;
  if (!check.scopes.includes(scope as 'template' | 'session')) fail(`check '${checkName}' does not run in scope '${scope}'`, at('scope'));
  const withRaw = raw['with'] ?? {};
  if (typeof withRaw !== 'object' || withRaw === null || Array.isArray(withRaw)) fail("'with' must be a mapping of options", at('with'));
  const withOpts = withRaw as Record<string, unknown>;
  const optionProblem = check.validate(withDefaults(check.options, withOpts));
  if (optionProblem) fail(`check '${checkName}': ${optionProblem}`, at('with') ?? at('check'));
  const options = withDefaults(check.options, withOpts);
  const positional = raw['positional'] ?? true;
  if (typeof positional !== 'boolean') fail("'positional' must be true or false", at('positional'));

  const cause = raw['cause'];
  if (cause !== undefined && (typeof cause !== 'string' || !(DIVERGENCE_CAUSES as readonly string[]).includes(cause))) {
    fail(`'cause' must be one of: ${DIVERGENCE_CAUSES.join(', ')}`, at('cause'));
  }
  if (checkName === 'divergence' && cause === undefined) fail("check 'divergence' needs a 'cause': the divergence this rule reports", at('check'));

  const messages = raw['messages'];
  if (typeof messages !== 'object' || messages === null || Array.isArray(messages)) fail("'messages' must map messageIds to templates", at('messages'));
  const msgs = messages as Record<string, unknown>;
  for (const [mid, tpl] of Object.entries(msgs)) {
    // every rule that names a cause also reports pairs of logged requests, with the pair message's data
    const keys = mid === 'diverged' && cause !== undefined ? PAIR_MESSAGE_KEYS : check.messageIds[mid];
    if (!keys) fail(`message '${mid}' is not one check '${checkName}' emits (it emits: ${Object.keys(check.messageIds).join(', ')})`, at('messages'));
    if (typeof tpl !== 'string' || tpl === '') fail(`message '${mid}' must be a non-empty string`, at('messages'));
    for (const m of (tpl as string).matchAll(/\{\{\s*([\w-]+)\s*\}\}/g)) {
      const name = m[1] as string;
      if (!keys!.includes(name) && !ENGINE_DATA_KEYS.includes(name)) {
        fail(`message '${mid}' uses {{${name}}}, which check '${checkName}' does not provide (it provides: ${[...keys!, ...ENGINE_DATA_KEYS].join(', ')})`, at('messages'));
      }
    }
  }
  for (const mid of check.emits(options)) {
    if (!(mid in msgs)) fail(`missing message '${mid}': check '${checkName}' emits it with these options`, at('messages'));
  }
  if (cause !== undefined && !('diverged' in msgs)) fail("missing message 'diverged': a rule with a 'cause' reports pairs of logged requests", at('messages'));
  const defersTo = raw['defersTo'] ?? [];
  if (!Array.isArray(defersTo) || defersTo.some((x) => typeof x !== 'string' || x === '')) fail("'defersTo' must be a list of rule ids or codes", at('defersTo'));
  const maxSeverity = raw['maxSeverity'] ?? {};
  if (typeof maxSeverity !== 'object' || maxSeverity === null || Array.isArray(maxSeverity)) fail("'maxSeverity' must map messageIds to error, warning or info", at('maxSeverity'));
  for (const [mid, sev] of Object.entries(maxSeverity as Record<string, unknown>)) {
    if (!(mid in msgs)) fail(`maxSeverity names message '${mid}', which the rule does not define`, at('maxSeverity'));
    if (sev !== 'error' && sev !== 'warning' && sev !== 'info') fail(`maxSeverity of '${mid}' must be error, warning or info, not '${String(sev)}'`, at('maxSeverity'));
  }
  const fixable = str('fixable');
  if (!['none', 'safe', 'unsafe'].includes(fixable)) fail(`fixable must be none, safe or unsafe, not '${fixable}'`, at('fixable'));
  const fix = raw['fix'];
  if (fixable === 'none' && fix !== undefined) fail("'fix' says what --fix does: a rule with fixable: none has none", at('fix'));
  if (fixable !== 'none' && (typeof fix !== 'string' || fix.trim() === '' || fix.includes('\n'))) {
    fail(`a fixable rule needs 'fix': one line saying what --fix does (e.g. "sorts the tools by name")`, at('fix') ?? at('fixable'));
  }

  const docs = raw['docs'];
  if (typeof docs !== 'object' || docs === null || Array.isArray(docs)) fail("'docs' must be a mapping", at('docs'));
  const d = docs as Record<string, unknown>;
  for (const k of Object.keys(d)) {
    if (!(DOCS_KEYS as readonly string[]).includes(k)) fail(`unknown docs key '${k}' (expected: ${DOCS_KEYS.join(', ')})`, at('docs'));
  }
  for (const k of ['summary', 'why'] as const) {
    if (typeof d[k] !== 'string' || (d[k] as string).trim() === '') fail(`docs.${k} must be a non-empty string`, at('docs'));
  }
  if ((d['summary'] as string).includes('\n')) fail('docs.summary must be one line', at('docs'));
  for (const k of ['bad', 'good'] as const) {
    const ex = d[k] as Record<string, unknown> | undefined;
    if (!ex || typeof ex !== 'object' || typeof ex['file'] !== 'string' || typeof ex['text'] !== 'string' || Object.keys(ex).length !== 2) {
      fail(`docs.${k} must be { file: <name.ext>, text: <content> }`, at('docs'));
    }
    if (!/\.[A-Za-z0-9]+$/.test(ex!['file'] as string)) fail(`docs.${k}.file needs an extension so the example can be parsed`, at('docs'));
  }
  if (d['targets'] !== undefined && typeof d['targets'] !== 'string') fail('docs.targets must be a string', at('docs'));

  const def: RuleDefinition = {
    id,
    code,
    category: category as Category,
    severity: severity as RuleDefinition['severity'],
    recommended: raw['recommended'] as boolean,
    since,
    scope: scope as RuleDefinition['scope'],
    where: where as RuleDefinition['where'],
    check: checkName,
    with: withOpts,
    positional: positional as boolean,
    defersTo: defersTo as string[],
    ...(cause !== undefined ? { cause: cause as string } : {}),
    messages: msgs as Record<string, string>,
    maxSeverity: maxSeverity as RuleDefinition['maxSeverity'],
    fixable: fixable as RuleDefinition['fixable'],
    ...(typeof fix === 'string' ? { fix } : {}),
    docs: d as unknown as RuleDefinition['docs'],
  };
  return def;
}
