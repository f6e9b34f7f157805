// Single-string templates with no roles: plain text, markdown, Jinja, Handlebars and Mustache files.
// A role-less template is a system prompt: that is how such files are used, and it is the cached part.
import type { PromptDoc, SourceFile, TemplateSyntax } from '../../model.js';
import { fromSlice } from './mapped.js';
import { scanTemplate, type Dialect } from './scan.js';
import { textSegment } from './segments.js';

const DIALECTS: Record<'text' | 'markdown' | 'jinja' | 'handlebars' | 'mustache', Dialect> = {
  text: 'plain',
  markdown: 'markdown',
  jinja: 'jinja',
  handlebars: 'handlebars',
  mustache: 'handlebars',
};

/** Parses a whole file as one system segment in the given syntax. */
export function parsePlain(file: SourceFile, format: keyof typeof DIALECTS): PromptDoc {
  const scanned = scanTemplate(fromSlice(file.text, 0), DIALECTS[format], file);
  const doc: PromptDoc = {
    file,
    kind: 'template',
    syntax: format === 'text' ? 'text' : (format as TemplateSyntax),
    format,
    segments: [textSegment('system', 'system', 'system', scanned)],
  };
  if (scanned.notes.length > 0) doc.notes = scanned.notes;
  return doc;
}
