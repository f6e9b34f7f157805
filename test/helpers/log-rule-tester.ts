// The RuleTester for logs: a rule's valid and invalid cases as logged requests (request bodies, the
// seconds between them, optional session ids), run through the real log job — the pair pass of the one
// rule engine — and checked for that rule's findings only.
import { describe, expect, it } from 'vitest';
import { runLog, type LoggedRequest } from './shared-log.js';
import { loadRules, ruleIndex } from '../../src/engine/registry.js';

export interface LogCase {
  name?: string;
  /** request bodies in arrival order */
  bodies: Record<string, unknown>[];
  /** seconds between consecutive requests (default 10) */
  gaps?: number[];
  /** a session id per request (default: none, as stateless apps log) */
  sessions?: (string | undefined)[];
}

export interface InvalidLogCase extends LogCase {
  /** findings of the rule expected: their count, and optionally how many requests each affects */
  errors: { requests?: number; severity?: 'error' | 'warning' | 'info' }[];
}

function toLogged(c: LogCase): LoggedRequest[] {
  let at = 0;
  return c.bodies.map((body, i) => {
    if (i > 0) at += c.gaps?.[i - 1] ?? 10;
    const session = c.sessions?.[i];
    return { body, at, ...(session !== undefined ? { extra: { session_id: session } } : {}) };
  });
}

export const logRuleTester = {
  run(id: string, cases: { valid: LogCase[]; invalid: InvalidLogCase[] }): void {
    const rule = ruleIndex(loadRules())(id);
    if (!rule) throw new Error(`no rule ${id}`);
    describe(`${rule.code} ${rule.id} on logs`, () => {
      cases.valid.forEach((c, k) => {
        it(`valid: ${c.name ?? `case ${k + 1}`}`, async () => {
          const { analysis } = await runLog(toLogged(c));
          expect(analysis.diagnostics.filter((d) => d.code === rule.code)).toEqual([]);
        });
      });
      cases.invalid.forEach((c, k) => {
        it(`invalid: ${c.name ?? `case ${k + 1}`}`, async () => {
          const { analysis } = await runLog(toLogged(c));
          const got = analysis.diagnostics.filter((d) => d.code === rule.code);
          expect(got).toHaveLength(c.errors.length);
          c.errors.forEach((e, j) => {
            if (e.requests !== undefined) expect(got[j]!.affected?.requests).toBe(e.requests);
            if (e.severity !== undefined) expect(got[j]!.severity).toBe(e.severity);
            // messages come from the rule's YAML
            expect(got[j]!.messageId).toBe('diverged');
          });
        });
      });
    });
  },
};
