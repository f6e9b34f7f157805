// Least-recently-used order over small positive integer keys (page keys are handed out 1, 2, 3, …), kept
// in typed arrays as a doubly linked list. Same order as a Map used as an LRU (delete + set to touch,
// first key = oldest), but a replay of 10,000 requests touches ~2 M pages and a Map of a million
// entries spent ~0.7 µs per touch on hashing and rehashing; here a touch is a few array writes.
export class IntLru {
  private prev = new Int32Array(1024);
  private next = new Int32Array(1024);
  private present = new Uint8Array(1024);
  /** oldest and newest key; 0 = none (keys start at 1) */
  private head = 0;
  private tail = 0;
  size = 0;

  has(key: number): boolean {
    return key < this.present.length && this.present[key] === 1;
  }

  /** Makes `key` the most recently used, adding it when absent. */
  touch(key: number): void {
    if (key >= this.present.length) this.grow(key);
    if (this.present[key] === 1) {
      if (this.tail === key) return;
      this.unlink(key);
    } else {
      this.present[key] = 1;
      this.size++;
    }
    this.prev[key] = this.tail;
    this.next[key] = 0;
    if (this.tail !== 0) this.next[this.tail] = key;
    else this.head = key;
    this.tail = key;
  }

  /** Removes and returns the least recently used key (0 when empty). */
  evictOldest(): number {
    const key = this.head;
    if (key === 0) return 0;
    this.unlink(key);
    this.present[key] = 0;
    this.size--;
    return key;
  }

  private unlink(key: number): void {
    const p = this.prev[key]!;
    const n = this.next[key]!;
    if (p !== 0) this.next[p] = n;
    else this.head = n;
    if (n !== 0) this.prev[n] = p;
    else this.tail = p;
  }

  private grow(key: number): void {
    let len = this.present.length;
    while (len <= key) len *= 2;
    const prev = new Int32Array(len);
    prev.set(this.prev);
    const next = new Int32Array(len);
    next.set(this.next);
    const present = new Uint8Array(len);
    present.set(this.present);
    this.prev = prev;
    this.next = next;
    this.present = present;
  }
}
