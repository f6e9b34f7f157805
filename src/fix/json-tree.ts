// A JSON parser that keeps every value's source range, so a fix can reorder array elements and object
// members by moving their exact source text: indentation, spacing and number spelling stay as written and
// only the moved bytes change. Returns undefined for anything that is not strict JSON.

export type JsonNode =
  | { kind: 'object'; start: number; end: number; members: JsonMember[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: 'scalar'; start: number; end: number; value: string | number | boolean | null };

export interface JsonMember {
  key: string;
  /** start of the key's opening quote */
  start: number;
  value: JsonNode;
}

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  ws(): void {
    while (this.i < this.s.length && ' \t\r\n'.includes(this.s[this.i] as string)) this.i++;
  }

  fail(): never {
    throw new SyntaxError(`invalid JSON at ${this.i}`);
  }

  string(): string {
    const start = this.i;
    if (this.s[this.i] !== '"') this.fail();
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '\\') this.i += 2;
      else if (c === '"') {
        this.i++;
        return JSON.parse(this.s.slice(start, this.i)) as string;
      } else this.i++;
    }
    return this.fail();
  }

  value(): JsonNode {
    this.ws();
    const start = this.i;
    const c = this.s[this.i];
    if (c === '{') {
      this.i++;
      const members: JsonMember[] = [];
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return { kind: 'object', start, end: this.i, members };
      }
      for (;;) {
        this.ws();
        const kstart = this.i;
        const key = this.string();
        this.ws();
        if (this.s[this.i] !== ':') this.fail();
        this.i++;
        members.push({ key, start: kstart, value: this.value() });
        this.ws();
        if (this.s[this.i] === ',') this.i++;
        else if (this.s[this.i] === '}') {
          this.i++;
          return { kind: 'object', start, end: this.i, members };
        } else this.fail();
      }
    }
    if (c === '[') {
      this.i++;
      const items: JsonNode[] = [];
      this.ws();
      if (this.s[this.i] === ']') {
        this.i++;
        return { kind: 'array', start, end: this.i, items };
      }
      for (;;) {
        items.push(this.value());
        this.ws();
        if (this.s[this.i] === ',') this.i++;
        else if (this.s[this.i] === ']') {
          this.i++;
          return { kind: 'array', start, end: this.i, items };
        } else this.fail();
      }
    }
    if (c === '"') return { kind: 'scalar', start, end: (this.string(), this.i), value: JSON.parse(this.s.slice(start, this.i)) as string };
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) this.fail();
    this.i += m[0].length;
    return { kind: 'scalar', start, end: this.i, value: JSON.parse(m[0]) as number | boolean | null };
  }
}

/** Parses strict JSON (one value, optional surrounding whitespace) into a tree with source ranges. */
export function parseJsonTree(text: string): JsonNode | undefined {
  try {
    const p = new Parser(text);
    const v = p.value();
    p.ws();
    return p.i === text.length ? v : undefined;
  } catch {
    return undefined;
  }
}

/** A member's value, by key. */
export function member(node: JsonNode | undefined, key: string): JsonNode | undefined {
  return node?.kind === 'object' ? node.members.find((m) => m.key === key)?.value : undefined;
}

/** How to reorder a node's children: a permutation of its items or members, by source position. */
export type Reorder = (node: JsonNode) => number[] | undefined;

/**
 * Rebuilds the text of `node` with children moved as `reorder` says, recursively. Separators and
 * whitespace between children stay in their slots; each child's own text moves with it.
 */
export function renderTree(src: string, node: JsonNode, reorder: Reorder): string {
  if (node.kind === 'scalar') return src.slice(node.start, node.end);
  const order = reorder(node);
  if (node.kind === 'array') {
    if (node.items.length === 0) return src.slice(node.start, node.end);
    const parts: string[] = [src.slice(node.start, node.items[0]!.start)];
    node.items.forEach((slot, k) => {
      const child = node.items[order?.[k] ?? k]!;
      parts.push(renderTree(src, child, reorder));
      const next = node.items[k + 1];
      parts.push(src.slice(slot.end, next ? next.start : node.end));
    });
    return parts.join('');
  }
  if (node.members.length === 0) return src.slice(node.start, node.end);
  const parts: string[] = [src.slice(node.start, node.members[0]!.start)];
  node.members.forEach((slot, k) => {
    const m = node.members[order?.[k] ?? k]!;
    parts.push(src.slice(m.start, m.value.start), renderTree(src, m.value, reorder));
    const next = node.members[k + 1];
    parts.push(src.slice(slot.value.end, next ? next.start : node.end));
  });
  return parts.join('');
}
