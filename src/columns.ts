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
