// Read-only lists whose items may be built only when read. A report's per-request parts (timeline
// entries, projection rows) stay packed in columns until a formatter reads them; as objects they were
// ~1 KB a request on the main thread, most of the memory of a run over hundreds of thousands of requests.
// The json formatter writes a LazyList item by item (src/formatters/json.ts), so each item is garbage as
// soon as it is written; the other formatters read only the lineages they show.

/** What formatters read per-request parts through: an array satisfies it, and so does a LazyList. */
export interface List<T> extends Iterable<T> {
  readonly length: number;
  /** item `index` (negative counts from the end, as Array.prototype.at), undefined when out of range */
  at(index: number): T | undefined;
}

/** A list of `length` items, item `i` built by `item(i)` each time it is read (keep what you reuse). */
export class LazyList<T> implements List<T> {
  constructor(
    readonly length: number,
    private readonly item: (index: number) => T,
  ) {}

  at(index: number): T | undefined {
    const i = Math.trunc(index) < 0 ? Math.trunc(index) + this.length : Math.trunc(index);
    return i >= 0 && i < this.length ? this.item(i) : undefined;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.item(i);
  }

  /** JSON.stringify writes the items as an array (the json formatter streams them instead). */
  toJSON(): T[] {
    return Array.from(this);
  }
}

/** Whether any item satisfies `test`, reading items one at a time. */
export function some<T>(list: Iterable<T>, test: (item: T) => boolean): boolean {
  for (const x of list) if (test(x)) return true;
  return false;
}
