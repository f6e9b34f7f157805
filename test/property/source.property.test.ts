// Property tests of the source-code stage: arbitrary text, truncated fixtures and spliced SDK code in
// every language never crash it. parseSource either returns requests or throws KVE306 (syntax error);
// linting what it returns never throws.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KvlintError } from '../../src/errors.js';
import { lintSourceRequests } from '../../src/engine/lint-source.js';
import { loadRules } from '../../src/engine/registry.js';
import { parseSource } from '../../src/normalize/source/index.js';
import { makeSourceFile } from '../../src/source.js';
import { wordTokenizer } from '../helpers/rule-tester.js';
import { repoRoot } from '../helpers/cli.js';

const RUNS = { seed: 0x6b766c, numRuns: 120 };
const rules = loadRules();
const FIXTURES = path.join(repoRoot, 'fixtures', 'source');
const fixtures = readdirSync(FIXTURES).map((f) => ({ name: f, text: readFileSync(path.join(FIXTURES, f), 'utf8') }));
const NAMES = ['a.py', 'a.ts', 'a.tsx', 'a.js', 'a.mjs'];

/** Parses and lints; the only error allowed out is KVE306 for a syntax error. */
async function survives(name: string, text: string): Promise<void> {
  try {
    const sd = await parseSource(makeSourceFile(name, text));
    const diags = await lintSourceRequests(sd.requests, rules, new Map(), async () => ({ tokenizer: wordTokenizer }));
    for (const d of diags) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.column).toBeGreaterThanOrEqual(1);
    }
  } catch (e) {
    if (!(e instanceof KvlintError)) throw e;
    expect(e.code).toBe('KVE306');
  }
}

/** Code-like text: tokens of the languages and the SDK calls, in random order. */
const TOKENS = [
  'client.messages.create(', 'system=', 'system: ', 'messages=[', '{"role": "system", "content": ', 'f"', '`', '${', '}', '{', ')', '(', ']', '[',
  'datetime.now()', 'new Date()', 'uuid4()', 'user.name', ' + ', '"\\n".join(', '.format(', 'x = ', 'const x = ', '\n', '    ', '#', '//', '"""', "'", '"',
  'def f(a):\n', 'return ', 'import anthropic\n', "import OpenAI from 'openai';\n", 'SystemMessage(', 'ChatPromptTemplate.from_messages(', 'generateText({', 'x += ', 'x.append(',
];

describe('the source stage never crashes', () => {
  it('on arbitrary text in every language', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...NAMES), fc.string({ maxLength: 300 }), survives), RUNS);
  });

  it('on token soup made of SDK calls and string syntax', async () => {
    const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((a) => a.join(''));
    await fc.assert(fc.asyncProperty(fc.constantFrom(...NAMES), soup, survives), RUNS);
  });

  it('on every fixture cut at any point', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fixtures), fc.double({ min: 0, max: 1, noNaN: true }), async (f, cut) => {
        await survives(f.name, f.text.slice(0, Math.floor(f.text.length * cut)));
      }),
      RUNS,
    );
  });

  it('a complete fixture parses; a fixture cut inside its call is a syntax error, not a crash', async () => {
    const f = fixtures.find((x) => x.name === 'anthropic-bad.py')!;
    await expect(parseSource(makeSourceFile(f.name, f.text))).resolves.toBeDefined();
    const cut = f.text.slice(0, f.text.indexOf('messages=['));
    await expect(parseSource(makeSourceFile(f.name, cut))).rejects.toMatchObject({ code: 'KVE306', line: expect.any(Number) });
  });

  it('names that refer to themselves and deep nesting end in holes, not in a stack overflow', async () => {
    const self = 'import anthropic\nx = x + "a"\ny = z\nz = y\nanthropic.Anthropic().messages.create(system=x + y, messages=[])\n';
    await survives('a.py', self);
    const deep = `import OpenAI from 'openai';\nconst s = ${'('.repeat(400)}'a'${')'.repeat(400)};\nnew OpenAI().chat.completions.create({ messages: [{ role: 'system', content: s }] });\n`;
    await survives('a.ts', deep);
    const chain = Array.from({ length: 300 }, (_, i) => `v${i + 1} = v${i} + "x"`).join('\n');
    await survives('a.py', `import anthropic\nv0 = "a"\n${chain}\nanthropic.Anthropic().messages.create(system=v300, messages=[])\n`);
  });
});
