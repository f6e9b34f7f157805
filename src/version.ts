// kvlint's version, in a module of its own: the CLI, the commands and the library API all need it, and
// reading it here keeps the commands from importing cli.ts (which imports them).
import { createRequire } from 'node:module';
import { packagePath } from './paths.js';

/** The package version, read from package.json so it is never out of step. */
export const VERSION: string = (createRequire(import.meta.url)(packagePath('package.json')) as { version: string }).version;
