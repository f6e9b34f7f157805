// Parsing application source code (Python, TypeScript, TSX, JavaScript) with tree-sitter.
//
// The runtime and the grammars come from one npm package, @vscode/tree-sitter-wasm: WebAssembly built
// ahead of time and shipped inside the package, so installing kvlint compiles and downloads nothing, and
// one error-tolerant parser API covers all four languages (the TypeScript compiler would cover only two,
// and the repository's typescript 7 is the native compiler without the JS API kvlint would need).
// Loading is lazy: a run that meets no source file never instantiates WebAssembly.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TS from '@vscode/tree-sitter-wasm';

export type SourceLanguage = 'python' | 'typescript' | 'tsx' | 'javascript';

/** A syntax node as tree-sitter gives it. */
export type SyntaxNode = TS.Node;

/** File extensions read as application source, and the grammar for each. */
const BY_EXTENSION: ReadonlyArray<readonly [string, SourceLanguage]> = [
  ['.py', 'python'],
  ['.pyi', 'python'],
  ['.tsx', 'tsx'],
  ['.mts', 'typescript'],
  ['.cts', 'typescript'],
  ['.ts', 'typescript'],
  ['.jsx', 'javascript'],
  ['.mjs', 'javascript'],
  ['.cjs', 'javascript'],
  ['.js', 'javascript'],
];

/** The extensions above, for directory walks. */
export const SOURCE_EXTENSIONS: readonly string[] = BY_EXTENSION.map(([ext]) => ext);

/** The language of a file by its name; undefined when it is not source code kvlint reads. */
export function sourceLanguageOf(path: string): SourceLanguage | undefined {
  const lower = path.toLowerCase();
  return BY_EXTENSION.find(([ext]) => lower.endsWith(ext))?.[1];
}

interface Runtime {
  ts: typeof TS;
  parsers: Map<SourceLanguage, TS.Parser>;
  dir: string;
}

let runtime: Promise<Runtime> | undefined;
/** The runtime once loaded, for what needs it synchronously after a parse (queries). */
let loaded: Runtime | undefined;

async function loadRuntime(): Promise<Runtime> {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@vscode/tree-sitter-wasm');
  const ts = require('@vscode/tree-sitter-wasm') as typeof TS;
  const dir = dirname(main);
  await ts.Parser.init({ locateFile: (file: string) => join(dir, file) });
  loaded = { ts, parsers: new Map(), dir };
  return loaded;
}

const GRAMMAR_FILE: Record<SourceLanguage, string> = {
  python: 'tree-sitter-python.wasm',
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript.wasm',
};

/** A parser for `lang`, created once per process. */
async function parserFor(lang: SourceLanguage): Promise<TS.Parser> {
  runtime ??= loadRuntime();
  const rt = await runtime;
  let parser = rt.parsers.get(lang);
  if (!parser) {
    const language = await rt.ts.Language.load(join(rt.dir, GRAMMAR_FILE[lang]));
    parser = new rt.ts.Parser();
    parser.setLanguage(language);
    rt.parsers.set(lang, parser);
  }
  return parser;
}

/** The first node that is a syntax error (an ERROR node or a token the parser had to invent). */
export function firstSyntaxError(root: SyntaxNode): SyntaxNode | undefined {
  if (!root.hasError) return undefined;
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const n = stack.pop() as SyntaxNode;
    if (n.isError || n.isMissing) return n;
    if (!n.hasError) continue;
    for (let i = n.childCount - 1; i >= 0; i--) {
      const c = n.child(i);
      if (c) stack.push(c);
    }
  }
  return root;
}

/**
 * Parses `text` as `lang`. The caller must call `tree.delete()` when done: trees live in WebAssembly
 * memory, which the garbage collector does not see.
 */
export async function parseSourceText(text: string, lang: SourceLanguage): Promise<TS.Tree> {
  const parser = await parserFor(lang);
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

/** Compiles a tree-sitter query for a language of a tree already parsed (so the runtime is loaded). */
export function compileQuery(language: TS.Language, source: string): TS.Query {
  if (!loaded) throw new Error('tree-sitter is not loaded yet');
  return new loaded.ts.Query(language, source);
}
