// Growable typed-array columns and a string table: how per-request records are kept when a log has
// hundreds of thousands of requests. One object per request costs hundreds of bytes and GC tracing;
// a column costs its element size, and a string that repeats (a file, a lineage, a model) is stored once.

type Typed = Int32Array | Float64Array | Uint8Array;

/** A typed array that doubles when full; `data` past `length` is unused. */
export class Column<T extends Typed> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** A copy of the used part (for handing to another thread). */
  used(): T {
    return this.data.slice(0, this.length) as T;
  }
}

export const int32 = (n = 1024): Column<Int32Array> => new Column(new Int32Array(n), (k) => new Int32Array(k));
export const float64 = (n = 1024): Column<Float64Array> => new Column(new Float64Array(n), (k) => new Float64Array(k));
export const uint8 = (n = 1024): Column<Uint8Array> => new Column(new Uint8Array(n), (k) => new Uint8Array(k));

/** Strings that repeat across records, each stored once; `list[id]` gives it back. */
export class StringIds {
  private readonly ids = new Map<string, number>();
  readonly list: string[] = [];
  id(s: string): number {
    let v = this.ids.get(s);
    if (v === undefined) {
      v = this.list.length;
      this.list.push(s);
      this.ids.set(s, v);
    }
    return v;
  }
}

/** FlatRecords as they cross threads: typed arrays and string tables, all structured-cloneable. */
export interface FlatRecordsTransport {
  /** each distinct shape: its keys and their kinds (see FlatRecords) */
  shapes: string[];
  strings: string[];
  /** per record: its shape's id */
  shape: Int32Array;
  /** per record: where its values start in `values` (count + 1 entries) */
  start: Int32Array;
  /** numbers as they are; strings, and other values as JSON, by their id in `strings` */
  values: Float64Array;
}

/** Key and kind are joined by this (FlatRecords.add refuses a key that holds it). */
const SEP = '\u0000';
const NUMBER = 'n';
const STRING = 's';
const JSON_VALUE = 'j';

/**
 * Small records packed in columns, keys in the order they were set: what a timeline entry's divergence
 * and usage are. As objects, each took ~100-250 bytes in the worker and was copied object by object,
 * string by string, to the main thread (300,000 requests, each with a divergence that repeats the
 * same excerpt: ~100 MB there). Here a record is its shape's id (its keys, stored once per distinct
 * shape) and one 8-byte value per key; a string is stored once however often it repeats. Keys whose value
 * is undefined are left out, as JSON leaves them out.
 */
export class FlatRecords {
  private readonly shapeIds = new StringIds();
  private readonly strings = new StringIds();
  private readonly shape = int32();
  private readonly start = int32();
  private readonly values = float64();

  constructor() {
    this.start.push(0);
  }

  get length(): number {
    return this.shape.length;
  }

  /** Appends a record; returns its index. */
  add(record: object): number {
    const parts: string[] = [];
    for (const [key, v] of Object.entries(record)) {
      if (v === undefined) continue;
      if (key.includes(SEP)) throw new Error('FlatRecords: a key holds U+0000');
      if (typeof v === 'number') {
        parts.push(key + SEP + NUMBER);
        this.values.push(v);
      } else if (typeof v === 'string') {
        parts.push(key + SEP + STRING);
        this.values.push(this.strings.id(v));
      } else {
        parts.push(key + SEP + JSON_VALUE);
        this.values.push(this.strings.id(JSON.stringify(v)));
      }
    }
    this.shape.push(this.shapeIds.id(parts.join(SEP)));
    this.start.push(this.values.length);
    return this.shape.length - 1;
  }

  transport(): FlatRecordsTransport {
    return { shapes: this.shapeIds.list, strings: this.strings.list, shape: this.shape.used(), start: this.start.used(), values: this.values.used() };
  }
}

/** Reads records of the transport by index, each rebuilt with its keys in their order. */
export function flatRecordReader<T extends object>(t: FlatRecordsTransport): (k: number) => T {
  const shapes = t.shapes.map((s) => {
    const parts = s === '' ? [] : s.split(SEP);
    const fields: { key: string; kind: string }[] = [];
    for (let f = 0; f < parts.length; f += 2) fields.push({ key: parts[f]!, kind: parts[f + 1]! });
    return fields;
  });
  return (k) => {
    const out: Record<string, unknown> = {};
    let at = t.start[k]!;
    for (const { key, kind } of shapes[t.shape[k]!]!) {
      const v = t.values[at++]!;
      const value: unknown = kind === NUMBER ? v : kind === STRING ? t.strings[v] : JSON.parse(t.strings[v]!);
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    return out as T;
  };
}

/**
 * The ArrayBuffers that typed arrays under `value` own whole (its plain objects, a few levels down; not
 * inside arrays or Maps): postMessage can move these to the other thread instead of copying them. A
 * view into a larger buffer (Node's Buffer pool, a growable column's spare room) is left to be copied.
 */
export function ownedBuffers(value: unknown, depth = 4, out = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    const b = value.buffer;
    if (b instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === b.byteLength) out.add(b);
  } else if (depth > 0 && value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) ownedBuffers(v, depth - 1, out);
  }
  return [...out];
}
