// Rule metadata (id, code, severity, category) for log diagnostics. Callers may pass a lookup built from
// the engine's registry; otherwise the four fields are read from rules/<id>.yaml, and when that file is
// absent they are derived from the code (hundreds digit = category; breakers are errors).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yaml } from '../yaml.js';
import type { Category, Severity } from '../model.js';
import { packagePath } from '../paths.js';

export interface RuleMetaLite {
  id: string;
  code: string;
  severity: Severity;
  category: Category;
}

/** Resolves a rule id or code to its metadata. */
export type RuleLookup = (idOrCode: string) => RuleMetaLite | undefined;

const CATEGORY: Record<string, Category> = { '1': 'breaker', '2': 'risk', '3': 'waste', '4': 'hygiene' };

function rulesDir(): string {
  return packagePath('rules');
}

const cache = new Map<string, RuleMetaLite>();

/** Metadata for a rule: from the lookup, else its YAML file, else derived from the code. */
export function ruleMeta(id: string, code: string, lookup?: RuleLookup): RuleMetaLite {
  const hit = lookup?.(id) ?? lookup?.(code);
  if (hit) return hit;
  const cached = cache.get(id);
  if (cached) return cached;
  const fallback: RuleMetaLite = { id, code, category: CATEGORY[code.charAt(2)] ?? 'risk', severity: code.charAt(2) === '1' ? 'error' : 'warning' };
  let meta = fallback;
  try {
    const y = yaml().parse(readFileSync(join(rulesDir(), `${id}.yaml`), 'utf8')) as Record<string, unknown> | null;
    if (y && typeof y === 'object') {
      const sev = y.severity === 'warn' ? 'warning' : y.severity;
      meta = {
        id,
        code: typeof y.code === 'string' ? y.code : code,
        severity: sev === 'error' || sev === 'warning' || sev === 'info' ? sev : fallback.severity,
        category: typeof y.category === 'string' && Object.values(CATEGORY).includes(y.category as Category) ? (y.category as Category) : fallback.category,
      };
    }
  } catch {
    // rule file not written yet or unreadable: the derived metadata stands
  }
  cache.set(id, meta);
  return meta;
}
