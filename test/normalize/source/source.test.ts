// Prompts assembled in application code: each SDK's fixture pair (a breaker in the system prompt, and
// its clean twin with the volatile value in the final user turn), value following, suppressions,
// syntax errors and the absence of noise on ordinary code.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/run.js';
import { mayHoldPrompt, parseSource } from '../../../src/normalize/source/index.js';
import { makeSourceFile } from '../../../src/source.js';
import { repoRoot } from '../../helpers/cli.js';

const FIXTURES = path.join(repoRoot, 'fixtures', 'source');

async function lint(paths: string[], cwd = repoRoot) {
  return run({ paths, cwd, redact: true, version: 'test' });
}

/** Lints one snippet written to a temporary file; returns its diagnostics and problems. */
async function lintSnippet(name: string, text: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-src-'));
  writeFileSync(path.join(dir, name), text);
  const r = await lint([name], dir);
  return { diags: r.files.flatMap((f) => f.diagnostics), problems: r.problems, report: r };
}

/** `# expect KV102` / `// expect KV102` markers: the line and code each breaker must be found at. */
function expectations(text: string): Array<{ line: number; code: string }> {
  return text.split('\n').flatMap((l, i) => [...l.matchAll(/(?:#|\/\/) expect (KV\d{3})/g)].map((m) => ({ line: i + 1, code: m[1] as string })));
}

const files = readdirSync(FIXTURES).sort();
const bad = files.filter((f) => f.includes('-bad.'));

describe('SDK fixtures', () => {
  it('cover every SDK in Python and in TypeScript', () => {
    const sdks = (ext: string) => new Set(bad.filter((f) => f.endsWith(ext)).map((f) => f.replace(/-bad\..*$/, '')));
    // LiteLLM is a Python library and the Vercel AI SDK a TypeScript one
    expect([...sdks('.py')].sort()).toEqual(['anthropic', 'gemini', 'langchain', 'litellm', 'openai-chat', 'openai-responses']);
    expect([...sdks('.ts')].sort()).toEqual(['anthropic', 'gemini', 'langchain', 'openai-chat', 'openai-responses', 'vercel-ai']);
  });

  for (const f of bad) {
    const good = f.replace('-bad.', '-good.');
    it(`${f}: finds the breaker at its line`, async () => {
      const want = expectations(readFileSync(path.join(FIXTURES, f), 'utf8'));
      expect(want.length).toBeGreaterThan(0);
      const r = await lint([`fixtures/source/${f}`]);
      expect(r.problems).toEqual([]);
      const diags = r.files[0]?.diagnostics ?? [];
      for (const w of want) {
        const hit = diags.find((d) => d.code === w.code && d.line === w.line);
        expect(hit, `${w.code} at line ${w.line} in ${JSON.stringify(diags.map((d) => `${d.line} ${d.code}`))}`).toBeDefined();
        expect(hit?.tokensAtRisk).toBeGreaterThan(0);
      }
      // the system prompt is cached ahead of the break: every finding is before it
      expect(diags.every((d) => d.segment !== undefined && !/user/.test(d.segment))).toBe(true);
    });
    it(`${good}: the clean twin has no finding`, async () => {
      const r = await lint([`fixtures/source/${good}`]);
      expect(r.problems).toEqual([]);
      expect(r.files[0]?.diagnostics).toEqual([]);
      expect(r.files[0]?.kind).toBe('source');
    });
  }
});

describe('hole classes', () => {
  const cases: Array<[string, string]> = [
    ['datetime.datetime.now(tz=timezone.utc).isoformat()', 'KV102'],
    ['time.strftime("%Y-%m-%d")', 'KV102'],
    ['uuid4()', 'KV103'],
    ['secrets.token_hex(8)', 'KV103'],
    ['user.email', 'KV104'],
    ['getpass.getuser()', 'KV104'],
    ['os.getcwd()', 'KV105'],
    ['socket.gethostname()', 'KV105'],
    ['os.environ["HOME"]', 'KV105'],
    ['Path.home()', 'KV105'],
    ['", ".join(set(names))', 'KV205'],
    ['random.sample(EXAMPLES, 2)', 'KV203'],
  ];
  for (const [expr, code] of cases) {
    it(`${expr} → ${code}`, async () => {
      const { diags } = await lintSnippet('a.py', `import anthropic\ndef go(q, user, names):\n    anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", system=f"Context: {${expr}}. You are a helpful agent for Acme.", messages=[{"role": "user", "content": q}])\n`);
      expect(diags.map((d) => d.code)).toContain(code);
    });
  }
  const tsCases: Array<[string, string]> = [
    ['new Date().getFullYear()', 'KV102'],
    ['Date.now()', 'KV102'],
    ['crypto.randomUUID()', 'KV103'],
    ['crypto.randomBytes(8).toString("hex")', 'KV103'],
    ['nanoid()', 'KV103'],
    ['process.cwd()', 'KV105'],
    ['os.hostname()', 'KV105'],
    ['process.env.USER', 'KV105'],
    ['Object.keys(registry).join(", ")', 'KV205'],
  ];
  for (const [expr, code] of tsCases) {
    it(`${expr} → ${code}`, async () => {
      const { diags } = await lintSnippet('a.ts', `import OpenAI from 'openai';\nexport const go = (q: string, registry: object) => new OpenAI().responses.create({ model: 'gpt-5.4', instructions: \`Context: \${${expr}}. You are a helpful agent for Acme.\`, input: q });\n`);
      expect(diags.map((d) => d.code)).toContain(code);
    });
  }
});

describe('following values within the file', () => {
  it('resolves constants, concatenation, .format() and .join() to static text: no hole, no finding', async () => {
    const { diags } = await lintSnippet(
      'a.py',
      `import anthropic
HEAD = "You are a careful assistant."
RULES = ["Be brief.", "Cite sources."]
SYSTEM = "{head}\\n{rules}".format(head=HEAD, rules="\\n".join(RULES))
client = anthropic.Anthropic()
client.messages.create(model="claude-sonnet-4-6", system=SYSTEM + " Thanks.", messages=[{"role": "user", "content": "hi"}])
`,
    );
    expect(diags).toEqual([]);
  });

  it('follows a value through +=, append and a function that returns it', async () => {
    const { diags } = await lintSnippet(
      'a.py',
      `import time
from openai import OpenAI
client = OpenAI()

def build_system():
    text = "You are a planner."
    text += f" Clock: {time.time()}."
    text += " Plan the user's week in detail, day by day, with reasons."
    return text

def go(q):
    messages = []
    messages.append({"role": "system", "content": build_system()})
    messages.append({"role": "user", "content": q})
    return client.chat.completions.create(model="gpt-5.4", messages=messages)
`,
    );
    const clock = diags.find((d) => d.code === 'KV102');
    expect(clock?.line).toBe(7);
    expect(clock?.evidence).toContain('time.time()');
  });

  it("a value's name counts with its origin: session_id = make_id()", async () => {
    const { diags } = await lintSnippet(
      'a.py',
      `import anthropic\ndef go(q):\n    session_id = make_id()\n    anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", system=f"Session {session_id}. You are a helpful agent.", messages=[{"role": "user", "content": q}])\n`,
    );
    expect(diags.find((d) => d.code === 'KV103')?.line).toBe(4);
  });

  it('follows self attributes and this fields to the class that sets them', async () => {
    const py = await lintSnippet(
      'a.py',
      `import anthropic, datetime
class Bot:
    def __init__(self):
        self.system = f"Now: {datetime.datetime.utcnow()}. You are a helpful bot that answers briefly."
        self.client = anthropic.Anthropic()
    def ask(self, q):
        return self.client.messages.create(model="claude-sonnet-4-6", system=self.system, messages=[{"role": "user", "content": q}])
`,
    );
    expect(py.diags.find((d) => d.code === 'KV102')?.line).toBe(4);
    const ts = await lintSnippet(
      'a.ts',
      `import OpenAI from 'openai';
class Bot {
  system = \`Host: \${require('os').hostname()}. You are a helpful bot that answers briefly.\`;
  client = new OpenAI();
  ask(q: string) {
    return this.client.chat.completions.create({ model: 'gpt-5.4', messages: [{ role: 'system', content: this.system }, { role: 'user', content: q }] });
  }
}
`,
    );
    expect(ts.diags.find((d) => d.code === 'KV105')?.line).toBe(3);
  });

  it('reports a tool list built from a set, and leaves a written-out tool list alone', async () => {
    const { diags } = await lintSnippet(
      'a.py',
      `import anthropic
client = anthropic.Anthropic()
TOOLS = [{"name": "zeta", "description": "z", "input_schema": {}}, {"name": "alpha", "description": "a", "input_schema": {}}]

def go(q, extra):
    client.messages.create(model="claude-sonnet-4-6", tools=TOOLS, system="You are a helpful agent.", messages=[{"role": "user", "content": q}])
    names = ", ".join(set(t["name"] for t in TOOLS))
    client.messages.create(model="claude-sonnet-4-6", system=f"Tools: {names}. Use them well.", messages=[{"role": "user", "content": q}])
`,
    );
    expect(diags.map((d) => d.code)).not.toContain('KV201');
    expect(diags.find((d) => d.code === 'KV205')?.line).toBe(8);
  });

  it('sorts a tool list assembled from parts', async () => {
    const { diags } = await lintSnippet(
      'a.ts',
      `import Anthropic from '@anthropic-ai/sdk';
const client = new Anthropic();
const base = [{ name: 'zeta', description: 'z', input_schema: {} }];
export function go(q: string) {
  const tools = [...base, { name: 'alpha', description: 'a', input_schema: {} }];
  return client.messages.create({ model: 'claude-sonnet-4-6', tools, system: 'You are a helpful agent.', messages: [{ role: 'user', content: q }] });
}
`,
    );
    expect(diags.map((d) => d.code)).toContain('KV201');
  });

  it('finds a system prompt assembled apart from any call', async () => {
    const { diags } = await lintSnippet('prompts.py', `import getpass\nSYSTEM_PROMPT = f"You assist {getpass.getuser()}. Answer questions about the codebase briefly."\n`);
    // the user name ahead of static text: one finding, under KV104, naming KV106
    const kv104 = diags.find((d) => d.line === 2 && d.code === 'KV104');
    expect(kv104?.alsoRules).toEqual(['no-volatile-before-stable']);
    expect(diags.map((d) => `${d.line} ${d.code}`)).not.toContain('2 KV106');
  });

  it('finds a system prompt returned by a function named like one', async () => {
    const { diags } = await lintSnippet(
      'prompts.ts',
      `const regular = 'You are a friendly assistant. Keep answers short.';
const hints = (h: { city: string }) => \`Request from: \${h.city}\`;
export const systemPrompt = ({ requestHints }: { requestHints: { city: string } }) => {
  const requestPrompt = hints(requestHints);
  return \`\${regular}\n\${requestPrompt}\nWhen asked to write code, use artifacts and explain them briefly.\`;
};
`,
    );
    expect(diags.map((d) => `${d.line} ${d.code}`)).toEqual(['2 KV106']);
  });

  it('renders json.dumps and JSON.stringify of constants as text, and reads class attributes through self', async () => {
    const py = await parseSource(
      makeSourceFile(
        'a.py',
        `import json, anthropic
SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}}
class Agent:
    system = "Reply in JSON matching: " + json.dumps(SCHEMA)
    def ask(self, q):
        return self.client.messages.create(model="claude-sonnet-4-6", system=self.system, messages=[{"role": "user", "content": q}])
`,
      ),
    );
    const sys = py.requests[0]?.doc.segments[0];
    expect(sys?.text).toBe('Reply in JSON matching: {"type": "object", "properties": {"city": {"type": "string"}}}');
    expect(sys?.placeholders).toBeUndefined();
    const ts = await parseSource(
      makeSourceFile('a.ts', "import OpenAI from 'openai';\nconst EX = { city: 'Oslo' };\nnew OpenAI().responses.create({ instructions: `Example: ${JSON.stringify(EX)}`, input: 'q' });\n"),
    );
    expect(ts.requests[0]?.doc.segments[0]?.text).toBe('Example: {"city":"Oslo"}');
  });

  it('a prompt read from a file is fixed at deploy time, like a template include', async () => {
    const py = await lintSnippet(
      'a.py',
      `from pathlib import Path\nfrom openai import OpenAI\nDIR = Path(__file__).parent\nINSTRUCTIONS = (DIR / "overview.md").read_text() + " Always use the run_sql tool and answer briefly."\nOpenAI().responses.create(model="gpt-5.4", instructions=INSTRUCTIONS, input="q")\n`,
    );
    expect(py.diags).toEqual([]);
    const ts = await lintSnippet(
      'a.ts',
      "import OpenAI from 'openai';\nimport { readFileSync } from 'node:fs';\nconst base = readFileSync('prompt.md', 'utf8');\nnew OpenAI().responses.create({ model: 'gpt-5.4', instructions: `${base}\\nAnswer briefly and cite sources.`, input: 'q' });\n",
    );
    expect(ts.diags).toEqual([]);
    const param = await lintSnippet('b.py', 'from openai import OpenAI\ndef go(ctx):\n    OpenAI().responses.create(model="gpt-5.4", instructions=f"{ctx} Answer briefly and cite sources.", input="q")\n');
    expect(param.diags.map((d) => d.code)).toEqual(['KV106']);
  });

  it('a constant from another module is fixed at deploy time, like a template include', async () => {
    const { diags } = await lintSnippet(
      'a.py',
      `import anthropic\nfrom .prompts import SYSTEM, TOOLS\nclient = anthropic.Anthropic()\ndef go(q):\n    return client.messages.create(model="claude-sonnet-4-6", tools=TOOLS, system=SYSTEM + " Be brief.", messages=[{"role": "user", "content": q}])\n`,
    );
    expect(diags).toEqual([]);
  });
});

describe('no noise on ordinary code', () => {
  it('a file that sends no prompt has no finding, and is not even parsed', async () => {
    const text = `import os\n\ndef main(name):\n    print(f"Hello {name}, it is {os.getcwd()}")\n`;
    expect(mayHoldPrompt(text)).toBe(false);
    const { diags, report } = await lintSnippet('a.py', text);
    expect(diags).toEqual([]);
    expect(report.files[0]?.kind).toBe('source');
  });

  it('a prompt built only from constants has no finding', async () => {
    const { diags } = await lintSnippet(
      'a.ts',
      `import OpenAI from 'openai';
const client = new OpenAI();
const PERSONA = 'You are a support agent for Acme.';
const DATE_HINT = "Today's date: 2025-08-07"; // a literal typed into code is the same on every request
export const send = (q: string) =>
  client.chat.completions.create({ model: 'gpt-5.4', messages: [{ role: 'system', content: \`\${PERSONA}\\n\${DATE_HINT}\` }, { role: 'user', content: q }] });
`,
    );
    expect(diags).toEqual([]);
  });

  it("kvlint's own source has no finding", async () => {
    const r = await lint(['src']);
    expect(r.files.length).toBeGreaterThan(100);
    expect(r.files.flatMap((f) => f.diagnostics)).toEqual([]);
    expect(r.problems).toEqual([]);
  });
});

describe('suppressions in the language comment', () => {
  it('# kvlint-disable-next-line in Python and // in TypeScript', async () => {
    const py = await lintSnippet(
      'a.py',
      `import anthropic, datetime
client = anthropic.Anthropic()
# kvlint-disable-next-line KV102 KV106 -- the date is part of the persona on purpose
SYSTEM = f"Today is {datetime.date.today()}. You are a helpful agent for Acme."
client.messages.create(model="claude-sonnet-4-6", system=SYSTEM, messages=[{"role": "user", "content": "hi"}])
`,
    );
    expect(py.diags).toEqual([]);
    const ts = await lintSnippet(
      'a.ts',
      `import OpenAI from 'openai';
const client = new OpenAI();
// kvlint-disable-next-line KV102 -- reviewed
const system = \`Today is \${new Date().toDateString()}. You are a helpful agent for Acme.\`;
client.chat.completions.create({ model: 'gpt-5.4', messages: [{ role: 'system', content: system }, { role: 'user', content: 'hi' }] });
`,
    );
    // one place, one finding (KV102 with KV106 folded in): a directive naming either code suppresses it
    expect(ts.diags.map((d) => d.code)).toEqual([]);
  });

  it('a directive inside a string is not a comment', async () => {
    const { diags } = await lintSnippet(
      'a.py',
      `import anthropic, datetime
client = anthropic.Anthropic()
SYSTEM = "# kvlint-disable-next-line KV102 -- not a comment\\n" + f"{datetime.datetime.now()} You are a helpful agent for Acme."
client.messages.create(model="claude-sonnet-4-6", system=SYSTEM, messages=[{"role": "user", "content": "hi"}])
`,
    );
    expect(diags.map((d) => d.code)).toContain('KV102');
  });
});

describe('generated code', () => {
  it('a source file over the size limit is skipped quietly in a walk and reported when named', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-src-'));
    writeFileSync(path.join(dir, 'vendor.js'), `// openai bundle\n${'var a=1;'.repeat(100)}\n`);
    const walked = await run({ paths: ['.'], cwd: dir, redact: true, version: 'test', maxFileSize: 300 });
    expect(walked.problems).toEqual([]);
    const named = await run({ paths: ['vendor.js'], cwd: dir, redact: true, version: 'test', maxFileSize: 300 });
    expect(named.problems.map((p) => p.code)).toEqual(['KVE304']);
  });

  it('minified code is not parsed', () => {
    expect(mayHoldPrompt(`import OpenAI from "openai";${'x=1;'.repeat(3000)}`)).toBe(false);
    expect(mayHoldPrompt('import OpenAI from "openai";\nconst c = new OpenAI();\n')).toBe(true);
  });
});

describe('syntax errors', () => {
  it('are one KVE306 line for the file, and the run goes on', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-src-'));
    writeFileSync(path.join(dir, 'broken.py'), 'import anthropic\ndef f(:\n    pass\n');
    writeFileSync(path.join(dir, 'ok.py'), readFileSync(path.join(FIXTURES, 'anthropic-bad.py')));
    const r = await lint(['.'], dir);
    expect(r.problems.map((p) => `${p.code} ${p.file} ${p.line}`)).toEqual(['KVE306 broken.py 2']);
    expect(r.files.find((f) => f.file === 'ok.py')?.diagnostics.length).toBeGreaterThan(0);
  });
});

describe('many files', () => {
  it('parsed by the worker pool give the same findings as one by one in the main thread', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-src-'));
    const names = bad.flatMap((f) => [f, f.replace('-bad.', '-good.')]);
    for (let k = 0; k < 3; k++) for (const f of names) writeFileSync(path.join(dir, `${k}-${f}`), readFileSync(path.join(FIXTURES, f)));
    writeFileSync(path.join(dir, 'broken.py'), 'import anthropic\ndef f(:\n');
    const all = await lint(['.'], dir);
    expect(all.files.length).toBeGreaterThanOrEqual(24); // enough for the pool
    expect(all.problems.map((p) => `${p.code} ${p.file}`)).toEqual(['KVE306 broken.py']);
    for (const f of all.files.filter((x) => x.file.startsWith('0-'))) {
      const one = await lint([f.file], dir);
      expect(f.diagnostics).toEqual(one.files[0]?.diagnostics);
    }
    expect(all.files.filter((f) => f.file.includes('-bad.') && f.diagnostics.length === 0).map((f) => f.file)).toEqual([]);
    expect(all.files.filter((f) => f.file.includes('-good.')).every((f) => f.diagnostics.length === 0)).toBe(true);
  });
});

describe('parseSource', () => {
  it('gives each call its own request in render order, with the model it names', async () => {
    const text = readFileSync(path.join(FIXTURES, 'anthropic-good.py'), 'utf8');
    const sd = await parseSource(makeSourceFile('fixtures/source/anthropic-good.py', text));
    expect(sd.requests).toHaveLength(1);
    const doc = sd.requests[0]!.doc;
    expect(doc.model).toBe('claude-sonnet-4-6');
    expect(doc.provider).toBe('anthropic');
    expect(doc.segments.map((s) => `${s.level} ${s.label}`)).toEqual(['system system[0]', 'messages messages[0] user']);
    expect(doc.segments[0]?.cacheMarker).toEqual({});
    expect(doc.segments[1]?.placeholders?.map((p) => p.expr)).toEqual(['datetime.now()', 'question']);
  });
});
