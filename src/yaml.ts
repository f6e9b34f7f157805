// The yaml package, loaded on first use. It is CommonJS and costs ~20 ms to load in every thread that
// imports it, and most runs parse no YAML at all: built-in rules and prices come from dist/snapshot.json,
// and a log run reads JSON. Modules that parse YAML call yaml() where they parse; types come from
// `import type`.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let mod: typeof Yaml | undefined;

/** The yaml package (the same module `import 'yaml'` gives under Node: its CommonJS build). */
export function yaml(): typeof Yaml {
  return (mod ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}
