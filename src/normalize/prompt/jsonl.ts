// JSON Lines files of tool sets (BFCL: a `function` list per record, or one tool per line) and of
// prompt templates (FastChat judge prompts). Each record is rendered into its own requests, so its
// segments carry `group: 'line N'`.
import type { PromptDoc, Segment, SourceFile } from '../../model.js';
import { malformed } from './fail.js';
import { scanTemplate } from './scan.js';
import { textSegment, toolSegment } from './segments.js';
import { isPromptRecord, isToolRecord, toolFamily } from './shapes.js';
import { get, items, mappedString, parseYaml, root, type YamlSource } from './yaml-source.js';

/** One non-blank line of a JSONL file, parsed. */
export interface JsonlRecord {
  /** 1-based line number */
  line: number;
  value: unknown;
  src: YamlSource;
}

/**
 * Parses each non-blank line as one JSON value; a line that is not JSON throws KVE306 naming it.
 * Each record is parsed again with positions so its strings map back to the file.
 */
export function readJsonl(file: SourceFile): JsonlRecord[] {
  const out: JsonlRecord[] = [];
  const starts = file.lineStarts;
  for (let li = 0; li < starts.length; li++) {
    const start = starts[li] as number;
    let end = li + 1 < starts.length ? (starts[li + 1] as number) : file.text.length;
    while (end > start && (file.text[end - 1] === '\n' || file.text[end - 1] === '\r')) end--;
    const lineText = file.text.slice(start, end);
    if (lineText.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch (err) {
      throw malformed(file, start, `line ${li + 1} is not valid JSON: ${(err as Error).message}`);
    }
    out.push({ line: li + 1, value, src: parseYaml(file, start, end, `JSON on line ${li + 1}`) });
  }
  return out;
}

/** A JSONL file of tool sets: one group per record, or one set when every line is a single tool. */
export function parseToolsJsonl(file: SourceFile): PromptDoc {
  const records = readJsonl(file);
  const segments: Segment[] = [];
  const notes: string[] = [];
  const perLineTools = records.length > 0 && records.every((r) => toolFamily(r.value) !== undefined);
  if (perLineTools) {
    records.forEach((r, i) => segments.push(toolSegment(r.src, root(r.src), i)));
    notes.push('each line holds one tool; all lines form a single tool set');
  } else {
    let skipped = 0;
    for (const r of records) {
      const top = root(r.src);
      const list = ['function', 'functions', 'tools'].map((k) => get(r.src, top, k)).find((n) => items(r.src, n).length > 0);
      if (!isToolRecord(r.value) || list === undefined) {
        skipped++;
        continue;
      }
      items(r.src, list).forEach((t, i) => segments.push(toolSegment(r.src, t, i, `line ${r.line}`)));
    }
    if (skipped > 0) notes.push(`${skipped} record(s) hold no tool list and were skipped`);
  }
  const doc: PromptDoc = { file, kind: 'tools', syntax: 'json', format: 'tools-jsonl', segments };
  if (notes.length > 0) doc.notes = notes;
  return doc;
}

/** A JSONL file of prompt templates: system_prompt → system, prompt_template → a user message. */
export function parsePromptsJsonl(file: SourceFile): PromptDoc {
  const records = readJsonl(file);
  const segments: Segment[] = [];
  const notes = new Set<string>();
  let skipped = 0;
  for (const r of records) {
    if (!isPromptRecord(r.value)) {
      skipped++;
      continue;
    }
    const group = `line ${r.line}`;
    const top = root(r.src);
    const sys = mappedString(r.src, get(r.src, top, 'system_prompt'));
    if (sys) {
      const s = scanTemplate(sys, 'fstring', file);
      s.notes.forEach((n) => notes.add(n));
      segments.push(textSegment('system', 'system', `${group} system_prompt`, s, group));
    }
    const tmpl = mappedString(r.src, get(r.src, top, 'prompt_template'));
    if (tmpl) {
      const s = scanTemplate(tmpl, 'fstring', file);
      s.notes.forEach((n) => notes.add(n));
      segments.push(textSegment('messages', 'user', `${group} prompt_template`, s, group));
    }
  }
  if (skipped > 0) notes.add(`${skipped} record(s) hold no system_prompt or prompt_template and were skipped`);
  const doc: PromptDoc = { file, kind: 'template', syntax: 'fstring', format: 'prompts-jsonl', segments };
  if (notes.size > 0) doc.notes = [...notes];
  return doc;
}
