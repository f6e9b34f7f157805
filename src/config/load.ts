// Reading and validating a config file. YAML and JSON only (both parsed by `yaml`, which keeps source
// positions), so a config never runs code and every error names the file and line.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Document, LineCounter, Node } from 'yaml';
import { aliasProblem, yaml } from '../yaml.js';
import { KvlintError } from '../errors.js';
import { globToRegExp } from './glob.js';
import { suggest } from './suggest.js';
import { parseAssertion, type Assertion } from '../project/assertions.js';
import { SEVERITY_WORDS, type ConfigLimits, type ConfigOverride, type KvlintConfig, type RuleEntry } from './types.js';


const TOP_KEYS = ['extends', 'provider', 'model', 'ignores', 'rules', 'overrides', 'prices', 'limits', 'assert'] as const;
const OVERRIDE_KEYS = ['files', 'rules', 'provider', 'model'] as const;
const LIMIT_KEYS = ['maxFileSize'] as const;

/** Walks one parsed document, turning nodes into config values or KVE201 errors with a line. */
class Reader {
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  lineOf(node: Node | null | undefined): number {
    const offset = node?.range?.[0] ?? 0;
    return this.lines.linePos(offset).line;
  }

  fail(node: Node | null | undefined, key: string, message: string, hint?: string): never {
    const line = this.lineOf(node);
    const where = key === '' ? '' : `${key}: `;
    throw new KvlintError('KVE201', `${this.file}:${line}: ${where}${message}`, hint === undefined ? { file: this.file, line } : { file: this.file, line, hint });
  }

  /** Follows an alias to the node it names (the alias count was bounded before reading). */
  deref(node: unknown): Node | null {
    if (yaml().isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return (node as Node | null | undefined) ?? null;
  }

  /** The entries of a mapping as [key text, key node, value node]; keys must be plain scalars. */
  entries(node: Node, key: string): [string, Node, Node | null][] {
    if (!yaml().isMap(node)) this.fail(node, key, `must be a mapping, got ${this.describe(node)}`);
    const out: [string, Node, Node | null][] = [];
    for (const pair of node.items) {
      if (!yaml().isPair(pair)) continue;
      const k = this.deref(pair.key);
      if (!yaml().isScalar(k) || (typeof k.value !== 'string' && typeof k.value !== 'number')) {
        this.fail(k ?? node, key, 'keys must be plain strings');
      }
      out.push([String(k.value), k, this.deref(pair.value)]);
    }
    return out;
  }

  describe(node: Node | null): string {
    if (node === null) return 'nothing';
    if (yaml().isMap(node)) return 'a mapping';
    if (yaml().isSeq(node)) return 'a list';
    if (yaml().isScalar(node)) {
      const v = node.value;
      if (v === null) return 'null';
      if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 39)}…` : v}'`;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    }
    return 'an unsupported value';
  }

  string(node: Node | null, key: string): string {
    if (!yaml().isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') {
      this.fail(node, key, `must be a non-empty string, got ${this.describe(node)}`);
    }
    return node.value as string;
  }

  /** A string or a list of strings (`files: '*.md'` or `files: ['*.md', '*.j2']`), each a valid glob. */
  globs(node: Node | null, key: string): string[] {
    const items = yaml().isSeq(node) ? node.items.map((n, i) => [this.deref(n), `${key}[${i}]`] as const) : [[node, key] as const];
    if (yaml().isSeq(node) && items.length === 0) this.fail(node, key, 'must list at least one glob');
    return items.map(([n, k]) => {
      const glob = this.string(n, k);
      try {
        globToRegExp(glob.startsWith('!') ? glob.slice(1) : glob);
      } catch (err) {
        this.fail(n, k, err instanceof Error ? err.message : String(err));
      }
      return glob;
    });
  }

  /** Any YAML value as plain data; mappings become null-prototype objects so no key reaches a prototype. */
  freeForm(node: Node | null, key: string): unknown {
    if (node === null) return null;
    if (yaml().isMap(node)) {
      const obj = Object.create(null) as Record<string, unknown>;
      for (const [k, , v] of this.entries(node, key)) obj[k] = this.freeForm(v, `${key}.${k}`);
      return obj;
    }
    if (yaml().isSeq(node)) return node.items.map((n, i) => this.freeForm(this.deref(n), `${key}[${i}]`));
    if (yaml().isScalar(node)) {
      const v = node.value;
      if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
      if (typeof v === 'number' && Number.isFinite(v)) return v;
    }
    return this.fail(node, key, `unsupported value ${this.describe(node)} (use strings, numbers, booleans, lists and mappings)`);
  }

  severity(node: Node | null, key: string): RuleEntry['severity'] {
    const word = yaml().isScalar(node) && typeof node.value === 'string' ? SEVERITY_WORDS[node.value] : undefined;
    if (word === undefined) {
      this.fail(node, key, `severity must be off, info, warn, warning or error, got ${this.describe(node)}`);
    }
    return word;
  }

  rules(node: Node | null, key: string): RuleEntry[] {
    if (node === null) return [];
    return this.entries(node, key).map(([name, keyNode, value]) => {
      const k = `${key}.${name}`;
      const entry: RuleEntry = { name, severity: 'off', key: k, line: this.lineOf(keyNode) };
      if (yaml().isSeq(value)) {
        const [sev, opts, ...rest] = value.items.map((n) => this.deref(n));
        if (value.items.length === 0 || rest.length > 0) {
          this.fail(value, k, 'must be a severity or [severity, {options}]');
        }
        entry.severity = this.severity(sev ?? null, k);
        if (opts !== undefined) {
          if (!yaml().isMap(opts)) this.fail(opts ?? value, k, `options must be a mapping, got ${this.describe(opts ?? null)}`);
          entry.options = this.freeForm(opts, `${k}[1]`) as Record<string, unknown>;
        }
      } else {
        entry.severity = this.severity(value, k);
      }
      return entry;
    });
  }

  unknownKey(keyNode: Node, prefix: string, name: string, valid: readonly string[]): never {
    const guess = suggest(name, valid);
    return this.fail(
      keyNode,
      prefix === '' ? name : `${prefix}.${name}`,
      `unknown key${guess ? `; did you mean '${guess}'?` : ''}`,
      `valid keys: ${valid.join(', ')}`,
    );
  }

  overrides(node: Node | null, key: string): ConfigOverride[] {
    if (!yaml().isSeq(node)) return this.fail(node, key, `must be a list of {files, rules} mappings, got ${this.describe(node)}`);
    return node.items.map((raw, i) => {
      const item = this.deref(raw);
      const k = `${key}[${i}]`;
      if (!yaml().isMap(item)) this.fail(item ?? node, k, `must be a mapping with files and rules, got ${this.describe(item)}`);
      const o: ConfigOverride = { files: [], rules: [], line: this.lineOf(item) };
      let sawFiles = false;
      for (const [name, keyNode, value] of this.entries(item, k)) {
        if (name === 'files') {
          o.files = this.globs(value, `${k}.files`);
          sawFiles = true;
        } else if (name === 'rules') o.rules = this.rules(value, `${k}.rules`);
        else if (name === 'provider') o.provider = this.string(value, `${k}.provider`);
        else if (name === 'model') o.model = this.string(value, `${k}.model`);
        else this.unknownKey(keyNode, k, name, OVERRIDE_KEYS);
      }
      if (!sawFiles) this.fail(item, k, 'needs a files glob saying which files it applies to');
      return o;
    });
  }

  limits(node: Node | null, key: string): ConfigLimits {
    const limits: ConfigLimits = {};
    if (node === null) return limits;
    for (const [name, keyNode, value] of this.entries(node, key)) {
      if (name === 'maxFileSize') limits.maxFileSize = this.size(value, `${key}.${name}`);
      else this.unknownKey(keyNode, key, name, LIMIT_KEYS);
    }
    return limits;
  }

  /** A byte count: a positive whole number, or a size like `10MB` / `512KiB` (units of 1024, as the CLI). */
  size(node: Node | null, key: string): number {
    if (yaml().isScalar(node)) {
      const v = node.value;
      if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
      if (typeof v === 'string') {
        const m = /^(\d+(?:\.\d+)?)\s*(?:(b)|([kmg])(?:i?b)?)$/i.exec(v.trim());
        if (m) {
          const unit = (m[3] ?? '').toLowerCase();
          const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
          const n = Math.round(Number(m[1]) * mult);
          if (n > 0) return n;
        }
      }
    }
    return this.fail(node, key, `must be a positive number of bytes or a size like 10MB, got ${this.describe(node)}`);
  }

  /** `assert:`: one expression or a list, each as --assert takes it (`cache-hit-rate>=90%`). */
  assertions(node: Node, key: string): Assertion[] {
    const items = yaml().isSeq(node) ? node.items.map((n, i) => [this.deref(n), `${key}[${i}]`] as const) : [[node, key] as const];
    return items.map(([n, k]) => {
      const expr = this.string(n, k);
      try {
        return parseAssertion(expr, '');
      } catch (err) {
        const e = err as KvlintError;
        return this.fail(n, k, e.message, e.hint);
      }
    });
  }

  config(root: Node | null, prefix: string): KvlintConfig {
    const config: KvlintConfig = { file: this.file, extends: 'recommended', ignores: [], rules: [], overrides: [], limits: {} };
    if (root === null || (yaml().isScalar(root) && root.value === null)) return config; // an empty file is a valid, empty config
    if (!yaml().isMap(root)) {
      this.fail(root, prefix, `a config must be a mapping of keys (${TOP_KEYS.join(', ')}), got ${this.describe(root)}`);
    }
    const k = (name: string): string => (prefix === '' ? name : `${prefix}.${name}`);
    for (const [name, keyNode, value] of this.entries(root, prefix)) {
      switch (name) {
        case 'extends': {
          const v = yaml().isScalar(value) ? value.value : undefined;
          if (v !== 'recommended' && v !== 'all') this.fail(value, k(name), `must be recommended or all, got ${this.describe(value)}`);
          config.extends = v;
          break;
        }
        case 'provider':
          config.provider = this.string(value, k(name));
          break;
        case 'model':
          config.model = this.string(value, k(name));
          break;
        case 'ignores':
          config.ignores = value === null ? [] : this.globs(value, k(name));
          break;
        case 'rules':
          config.rules = this.rules(value, k(name));
          break;
        case 'overrides':
          config.overrides = value === null ? [] : this.overrides(value, k(name));
          break;
        case 'prices':
          if (!yaml().isMap(value)) this.fail(value ?? keyNode, k(name), `must be a mapping of model → prices, got ${this.describe(value)}`);
          config.prices = this.freeForm(value, k(name)) as Record<string, unknown>;
          break;
        case 'limits':
          config.limits = this.limits(value, k(name));
          break;
        case 'assert':
          config.assert = value === null ? [] : this.assertions(value, k(name));
          break;
        default:
          this.unknownKey(keyNode, prefix, name, TOP_KEYS);
      }
    }
    return config;
  }
}

/**
 * Parses and validates config text. `file` names the file in errors; a `package.json` is read for its
 * `kvlint` key. Throws KvlintError KVE201 `file:line: key.path: problem` on any syntax or schema error,
 * including unknown keys. Rule names are checked later, against the registry (see validateRuleNames).
 */
export function parseConfig(text: string, file: string): KvlintConfig {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const line = lines.linePos(problem.pos[0]).line;
    throw new KvlintError('KVE201', `${file}:${line}: ${problem.message.replace(/\s+at line \d+, column \d+.*$/s, '')}`, {
      file,
      line,
      hint: 'a config is YAML or JSON; check the syntax around that line',
    });
  }
  // An alias bomb fails here, measured without expanding it, instead of exhausting memory below.
  const bomb = aliasProblem(doc);
  if (bomb) {
    const line = lines.linePos(bomb.offset).line;
    throw new KvlintError('KVE201', `${file}:${line}: ${bomb.message}`, { file, line });
  }
  try {
    // Resolves every alias once (the expansion was bounded above).
    // mapAsMap: a complex key must be refused below, not stringified with a process warning on stderr.
    doc.toJS({ maxAliasCount: -1, mapAsMap: true });
  } catch (err) {
    throw new KvlintError('KVE201', `${file}:1: ${err instanceof Error ? err.message : String(err)}`, { file, line: 1 });
  }
  const reader = new Reader(file, doc, lines);
  const root = reader.deref(doc.contents);
  if (basename(file) === 'package.json') {
    if (!yaml().isMap(root)) return reader.fail(root, '', 'package.json must hold an object');
    const entry = reader.entries(root, '').find(([name]) => name === 'kvlint');
    if (!entry) return reader.fail(root, '', "package.json has no 'kvlint' key");
    return reader.config(entry[2], 'kvlint');
  }
  return reader.config(root, '');
}

/** Reads and validates a config file (see {@link parseConfig}); an unreadable file is KVE201 too. */
export async function loadConfig(path: string): Promise<KvlintConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String((err as Error).message);
    throw new KvlintError('KVE201', `cannot read config ${path}: ${reason}`, { file: path });
  }
  return parseConfig(text, path);
}
