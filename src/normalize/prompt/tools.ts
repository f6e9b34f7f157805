// Tool definition files: OpenAI, Anthropic and MCP shapes, as a list, a `{tools}` wrapper, a JSON-RPC
// tools/list result or a single tool (e.g. GitHub MCP server `.snap` snapshots).
import type { PromptDoc, SourceFile } from '../../model.js';
import { unknownFormat } from './fail.js';
import { toolSegment } from './segments.js';
import { keysSortedEverywhere, toolContainer } from './shapes.js';
import type { PromptFormat } from './types.js';
import { get, items, parseYaml, root, valueOf } from './yaml-source.js';

/** Parses a tool file into one tools-level segment per tool, in file order. */
export function parseToolFile(file: SourceFile, format: PromptFormat): PromptDoc {
  const src = parseYaml(file);
  const top = root(src);
  const value = valueOf(src, top);
  const container = toolContainer(value);
  if (!container) throw unknownFormat(file, `expected ${format} tool definitions (a list, {tools: [...]}, or one tool)`);
  const listNode =
    container.wrapper === 'array' ? top
    : container.wrapper === 'tools' ? get(src, top, 'tools')
    : container.wrapper === 'jsonrpc' ? get(src, get(src, top, 'result'), 'tools')
    : undefined;
  const nodes = listNode === undefined ? [top] : items(src, listNode);
  const segments = nodes.map((n, i) => toolSegment(src, n, i));
  const family = container.family;
  const doc: PromptDoc = {
    file,
    kind: 'tools',
    syntax: /^\s*[[{]/.test(file.text) ? 'json' : 'yaml',
    format: family === 'mcp' ? (container.wrapper === 'single' ? 'mcp-tool' : 'mcp-tools-list') : `${family}-tools`,
    segments,
  };
  const notes: string[] = [];
  if (container.family !== format.replace(/-tools$/, '')) notes.push(`parsed as ${format}, but the definitions look like ${family} tools`);
  // Sorted keys everywhere suggest a serializer's order; it is kept as written (it may be the wire order).
  if (keysSortedEverywhere(segments.map((s) => s.value))) {
    notes.push('keys are sorted alphabetically at every level, as a serializer writes them; kept as the order sent');
  }
  if (notes.length > 0) doc.notes = notes;
  return doc;
}
