// Computing fixed file content: apply the findings' exact edits, re-lint, repeat until nothing changes
// (an edit can reveal or overlap another), and apply the structural tool-file sorts. Pure apart from the
// `lint` callback the caller provides (which runs kvlint on the candidate bytes in memory).
import type { Diagnostic, Fix } from '../model.js';
import { sortToolFile } from './sort-tools.js';

/** Rules whose findings --fix repairs without an edit list: the JSON tool-file sorts. */
export const STRUCTURAL_FIX_CODES = new Set(['KV201', 'KV202']);
/** The BOM rule: its fix is "write the text back without the mark". */
export const BOM_CODE = 'KV403';
/** Enough for overlapping edits to settle; a fix that still changes the text after this is left alone. */
export const MAX_PASSES = 10;

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Applies non-overlapping edits (offsets into `text`), in order; an edit overlapping an earlier one is left
 * for the next pass, as ESLint does. Empty no-op edits are dropped.
 */
export function applyEdits(text: string, edits: readonly Fix[]): { text: string; applied: number } {
  const sorted = edits.filter((e) => !(e.start === e.end && e.text === '')).sort((a, b) => a.start - b.start || a.end - b.end);
  const parts: string[] = [];
  let pos = 0;
  let applied = 0;
  for (const e of sorted) {
    if (e.start < pos || e.end > text.length || e.start > e.end) continue;
    parts.push(text.slice(pos, e.start), e.text);
    pos = e.end;
    applied++;
  }
  parts.push(text.slice(pos));
  return { text: parts.join(''), applied };
}

/** Whether a finding is one --fix repairs. */
export function isFixable(d: Diagnostic, isJson: boolean): boolean {
  return (d.fix !== undefined && d.fix.length > 0) || (isJson && (d.fixable === true || STRUCTURAL_FIX_CODES.has(d.code)));
}

export interface FixResult {
  /** the bytes to write (BOM included when the file keeps one) */
  output: Buffer;
  changed: boolean;
  /** findings repaired, counted on the first pass and by code */
  fixed: Record<string, number>;
  passes: number;
}

/**
 * Fixes one file's bytes. `lint` returns the findings for candidate bytes (the same rules and config as the
 * run). Each pass applies every exact edit it can; when none are left, the JSON sorts for the KV201/KV202
 * findings still standing. Stops when a pass changes nothing or after MAX_PASSES.
 */
export async function fixContent(bytes: Buffer, isJson: boolean, lint: (bytes: Buffer) => Promise<Diagnostic[]>): Promise<FixResult> {
  const hadBom = bytes.subarray(0, 3).equals(BOM);
  let text = (hadBom ? bytes.subarray(3) : bytes).toString('utf8');
  let keepBom = hadBom;
  const fixed: Record<string, number> = {};
  let passes = 0;
  const encode = (): Buffer => Buffer.concat([keepBom ? BOM : Buffer.alloc(0), Buffer.from(text, 'utf8')]);
  while (passes < MAX_PASSES) {
    const diags = await lint(encode());
    passes++;
    let changed = false;
    if (keepBom && diags.some((d) => d.code === BOM_CODE)) {
      keepBom = false;
      fixed[BOM_CODE] = (fixed[BOM_CODE] ?? 0) + 1;
      changed = true;
    }
    const withEdits = diags.filter((d) => d.fix && d.fix.some((e) => !(e.start === e.end && e.text === '')));
    const { text: next, applied } = applyEdits(text, withEdits.flatMap((d) => d.fix ?? []));
    if (applied > 0 && next !== text) {
      for (const d of withEdits) fixed[d.code] = (fixed[d.code] ?? 0) + 1;
      text = next;
      changed = true;
    } else if (isJson) {
      const tools = diags.some((d) => d.code === 'KV201');
      const keys = diags.some((d) => d.code === 'KV202');
      const sorted = tools || keys ? sortToolFile(text, { tools, keys }) : undefined;
      if (sorted !== undefined) {
        for (const d of diags) if (STRUCTURAL_FIX_CODES.has(d.code)) fixed[d.code] = (fixed[d.code] ?? 0) + 1;
        text = sorted;
        changed = true;
      }
    }
    if (!changed) break;
  }
  const output = encode();
  return { output, changed: !output.equals(bytes), fixed, passes };
}
