// Per-request numbers a cache model keeps for the whole replay, indexed by seq (arrival order): a few
// typed arrays that grow, never an object per request. A cache shared by all traffic may be asked about
// any earlier request, so nothing here is dropped while the replay runs.
export class SeqColumns {
  private cols: Float64Array[];
  constructor(
    private readonly width: number,
    private readonly empty: number,
  ) {
    this.cols = Array.from({ length: width }, () => new Float64Array(1024).fill(empty));
  }

  get(col: number, seq: number): number {
    const c = this.cols[col]!;
    return seq >= 0 && seq < c.length ? c[seq]! : this.empty;
  }

  set(col: number, seq: number, v: number): void {
    let c = this.cols[col]!;
    if (seq >= c.length) {
      let len = c.length;
      while (len <= seq) len *= 2;
      for (let k = 0; k < this.width; k++) {
        const next = new Float64Array(len).fill(this.empty);
        next.set(this.cols[k]!);
        this.cols[k] = next;
      }
      c = this.cols[col]!;
    }
    c[seq] = v;
  }
}
