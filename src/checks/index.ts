// The registry of checks: an explicit map sorted by name (never a directory scan), so a rule file can
// only name code that ships with kvlint.
import type { Check } from '../engine/rule.js';
import { bom } from './bom.js';
import { breakpoints } from './breakpoints.js';
import { directive } from './directive.js';
import { divergence } from './divergence.js';
import { existence } from './existence.js';
import { fewShot } from './few-shot.js';
import { indentation } from './indentation.js';
import { invisibleChars } from './invisible-chars.js';
import { keyOrder } from './key-order.js';
import { lineEndings } from './line-endings.js';
import { minPrefix } from './min-prefix.js';
import { nfc } from './nfc.js';
import { placeholder } from './placeholder.js';
import { toolDuplicates } from './tool-duplicates.js';
import { toolOrder } from './tool-order.js';
import { trailingWhitespace } from './trailing-whitespace.js';
import { unorderedIteration } from './unordered-iteration.js';
import { volatileBeforeStable } from './volatile-before-stable.js';

/** Every check by name, in alphabetical order. */
export const CHECKS: ReadonlyMap<string, Check> = new Map<string, Check>([
  ['bom', bom],
  ['breakpoints', breakpoints],
  ['directive', directive],
  ['divergence', divergence],
  ['existence', existence],
  ['few-shot', fewShot],
  ['indentation', indentation],
  ['invisible-chars', invisibleChars],
  ['key-order', keyOrder],
  ['line-endings', lineEndings],
  ['min-prefix', minPrefix],
  ['nfc', nfc],
  ['placeholder', placeholder],
  ['tool-duplicates', toolDuplicates],
  ['tool-order', toolOrder],
  ['trailing-whitespace', trailingWhitespace],
  ['unordered-iteration', unorderedIteration],
  ['volatile-before-stable', volatileBeforeStable],
]);

/** Checks that produce no template findings: their rules are emitted by other passes. */
export const METADATA_CHECKS: ReadonlySet<string> = new Set(['divergence']);
