// Generates a synthetic application repository for the source-code workload: Python and TypeScript
// modules of ordinary code, some of which call an LLM SDK with a system prompt assembled in code (a
// share of those with a breaker), and some that only define prompt-looking constants. Deterministic.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const PY_BLOCK = (i) => `

class Repository${i}:
    """Stores records of kind ${i} and answers queries about them."""

    def __init__(self, db, cache=None):
        self.db = db
        self.cache = cache or {}
        self.table = "records_${i}"

    def get(self, key: str):
        if key in self.cache:
            return self.cache[key]
        row = self.db.execute(f"SELECT * FROM {self.table} WHERE id = ?", (key,)).fetchone()
        self.cache[key] = row
        return row

    def summary(self, rows):
        total = sum(r["amount"] for r in rows)
        return "\\n".join(f"{r['id']}: {r['amount']:.2f}" for r in rows) + f"\\nTotal: {total:.2f}"


def helper_${i}(values, limit=10):
    out = []
    for v in values[:limit]:
        if v is None:
            continue
        out.append(str(v).strip().lower())
    return sorted(set(out))
`;

const TS_BLOCK = (i) => `

export interface Record${i} {
  id: string;
  amount: number;
  tags: string[];
}

export class Repository${i} {
  private cache = new Map<string, Record${i}>();
  constructor(private readonly db: { query(sql: string, args: unknown[]): Promise<Record${i}[]> }) {}

  async get(id: string): Promise<Record${i} | undefined> {
    const hit = this.cache.get(id);
    if (hit) return hit;
    const [row] = await this.db.query(\`SELECT * FROM records_${i} WHERE id = $1\`, [id]);
    if (row) this.cache.set(id, row);
    return row;
  }

  summary(rows: Record${i}[]): string {
    const total = rows.reduce((n, r) => n + r.amount, 0);
    return rows.map((r) => \`\${r.id}: \${r.amount.toFixed(2)}\`).join('\\n') + \`\\nTotal: \${total.toFixed(2)}\`;
  }
}
`;

const POLICY = 'Answer questions about orders, returns and shipping. Cite the policy section you used and keep answers short.';

const PY_SDK = (i, bad) => `import anthropic
from datetime import datetime

client = anthropic.Anthropic()

POLICY_${i} = """${POLICY}"""


def answer_${i}(user, question: str):
    system = ${bad ? `f"Today is {datetime.now():%A}. You help {user.name}.\\n" + POLICY_${i}` : `POLICY_${i}`}
    return client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=1024,
        system=system,
        messages=[{"role": "user", "content": question}],
    )
`;

const TS_SDK = (i, bad) => `import OpenAI from 'openai';

const client = new OpenAI();
const POLICY_${i} = '${POLICY}';

export async function answer${i}(user: { email: string }, question: string) {
  return client.chat.completions.create({
    model: 'gpt-5.4',
    messages: [
      { role: 'system', content: ${bad ? `\`User: \${user.email}\\n\${POLICY_${i}}\`` : `POLICY_${i}`} },
      { role: 'user', content: question },
    ],
  });
}
`;

const PY_PROMPTS = (i) => `# prompt constants used by the agent package
SYSTEM_PROMPT_${i} = """You are a careful assistant. ${POLICY}"""
`;

/**
 * Writes `files` source files of about `totalMb` MB under `dir`: 8% call an SDK (a quarter of those with
 * a breaker in the system prompt), 4% define prompt constants only, the rest is ordinary code.
 */
export function generateSourceRepo(dir, { files = 5000, totalMb = 50, seed = 7 } = {}) {
  rmSync(dir, { recursive: true, force: true });
  const rand = rng(seed);
  const perFile = (totalMb * 1e6) / files;
  let bytes = 0;
  let sdk = 0;
  let breakers = 0;
  for (let f = 0; f < files; f++) {
    const py = f % 2 === 0;
    const pkg = join(dir, py ? 'app' : 'web', `pkg${Math.floor(f / 100)}`);
    if (f % 100 === 0 || f % 100 === 1) mkdirSync(pkg, { recursive: true });
    const r = rand();
    let head = '';
    if (r < 0.08) {
      const bad = rand() < 0.25;
      head = py ? PY_SDK(f, bad) : TS_SDK(f, bad);
      sdk++;
      if (bad) breakers++;
    } else if (r < 0.12 && py) head = PY_PROMPTS(f);
    else head = py ? 'import os\nimport json\n' : "import { readFile } from 'node:fs/promises';\n";
    let text = head;
    for (let b = 0; text.length < perFile; b++) text += py ? PY_BLOCK(f * 100 + b) : TS_BLOCK(f * 100 + b);
    const name = join(pkg, `module_${f}.${py ? 'py' : 'ts'}`);
    writeFileSync(name, text);
    bytes += Buffer.byteLength(text);
  }
  return { files, bytes, sdk, breakers };
}
