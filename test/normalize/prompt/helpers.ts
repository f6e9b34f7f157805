// Shared helpers for the prompt parser tests: load a fixture, find text, check positions.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PromptDoc, Segment, SourceFile } from '../../../src/model.js';
import { makeSourceFile, segmentPosition } from '../../../src/source.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function fixture(rel: string): SourceFile {
  return makeSourceFile(`fixtures/${rel}`, readFileSync(path.join(repoRoot, 'fixtures', rel), 'utf8'));
}

export function source(name: string, text: string): SourceFile {
  return makeSourceFile(name, text);
}

/** The segment with this label; fails loudly when absent. */
export function seg(doc: PromptDoc, label: string): Segment {
  const s = doc.segments.find((x) => x.label === label);
  if (!s) throw new Error(`no segment ${label}; have ${doc.segments.map((x) => x.label).join(', ')}`);
  return s;
}

/** 1-based line:column in the file of the first occurrence of `needle` in a segment's text. */
export function where(doc: PromptDoc, s: Segment, needle: string, nth = 0): string {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = s.text.indexOf(needle, at + 1);
  if (at === -1) throw new Error(`${JSON.stringify(needle)} not in ${s.label}`);
  const p = segmentPosition(doc.file, s, at);
  return `${p.line}:${p.column}`;
}

/** 1-based line:column of the first occurrence of `needle` in the file itself. */
export function inFile(file: SourceFile, needle: string, nth = 0): string {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = file.text.indexOf(needle, at + 1);
  if (at === -1) throw new Error(`${JSON.stringify(needle)} not in ${file.path}`);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (file.text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return `${line}:${at - lineStart + 1}`;
}

export function summary(s: Segment): string {
  return `${s.level}/${s.role}/${s.label}`;
}
