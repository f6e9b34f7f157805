import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KvlintError } from '../../../src/errors.js';
import { parsePrompt } from '../../../src/normalize/prompt/index.js';
import { makeSourceFile, segmentPosition } from '../../../src/source.js';

const EXTENSIONS = ['.txt', '.md', '.j2', '.hbs', '.mustache', '.prompt', '.prompty', '.json', '.yaml', '.jsonl', '.snap'];

/** Strings rich in the characters each syntax cares about, so tags, fences and escapes get exercised. */
const templateish = fc
  .array(
    fc.oneof(
      fc.constantFrom('{{', '}}', '{%', '%}', '{#', '#}', '{{!--', '--}}', '{{!', '${', '{', '}', '---\n', '\n', '"', "'", '\\',
        'system:\n', 'user:\n', '{{role "user"}}', '{{history}}', '```\n', ':', '- ', '&a ', '*a', '[', ']', 'tools:\n', '_type: chat\n'),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

describe('parsePrompt on arbitrary input', () => {
  it('returns a PromptDoc or throws a KvlintError (never an internal error)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EXTENSIONS), templateish, (ext, text) => {
        const file = makeSourceFile(`gen${ext}`, text);
        try {
          const doc = parsePrompt(file);
          for (const s of doc.segments) {
            for (const p of s.placeholders ?? []) {
              expect(p.start).toBeGreaterThanOrEqual(0);
              expect(p.end).toBeLessThanOrEqual(s.text.length);
            }
            const pos = segmentPosition(file, s, s.text.length);
            expect(pos.line).toBeGreaterThanOrEqual(1);
          }
        } catch (e) {
          if (!(e instanceof KvlintError)) throw e;
          expect(e.code).not.toBe('KVE901');
        }
      }),
      { seed: 20250601, numRuns: 200 },
    );
  });
});
