// One prefix index per cache scope over every request of a run: for each new request, the earlier
// request (any session) that shares its longest prefix — its nearest prior. A provider's or engine's
// cache is keyed on prefix content and shared by all traffic in its scope (spec/providers.md §9.1), so
// this, not the previous request of a conversation, is what a request can reuse and where it breaks.
//
// Chain links (SHA-256 of the prefix through each segment) are interned to small ids; each id keeps the
// latest request that had that prefix and when, and each prefix keeps its few most recent distinct next
// segments. A new request walks its chain while links are known (whole segments shared), then compares
// the next segment's text with those recent children's texts to find the character where it stops
// sharing — that is where a trace id or a timestamp sits, whether or not the requests share a session.
// Memory is a few numbers per distinct link; texts are borrowed from the caller's bounded store.
import { createHash } from 'node:crypto';
import { commonPrefix } from './diff.js';
import { HashIds } from './hash-ids.js';

/** Children kept per prefix as candidates for the character-level comparison. */
const CHILDREN = 4;

export interface NearestPrior {
  /** the earlier request */
  seq: number;
  /** whole segments it shares with the new request */
  segments: number;
  /** characters of the next segment it shares (0 when none, or when its text is no longer kept) */
  chars: number;
  /** when the shared whole-segment prefix was last used before this request (epoch ms), when known */
  lastUsed?: number;
}

/** What the index needs of a request: its chain links (hex) and, per segment, its text. */
export interface IndexedRequest {
  seq: number;
  links: readonly string[];
  text: (segment: number) => string;
  time?: number;
  /** cache scope; requests of different scopes never share */
  scope?: string;
}

export class PrefixIndex {
  /** link → id; the ids are also the chain ids the cache replay compares */
  private readonly ids = new HashIds();
  /** latest request through each link (by id), -1 when none */
  private latest = new Int32Array(1024).fill(-1);
  /** time of that request, NaN when unknown */
  private used = new Float64Array(1024).fill(NaN);
  /** up to CHILDREN most recent distinct next links per link id (0: the empty prefix), most recent first */
  private readonly children = new Map<number, number[]>();

  /**
   * @param textOf the text of segment `segment` of an earlier request, while the caller still keeps it
   */
  constructor(private readonly textOf: (seq: number, segment: number) => string | undefined) {}

  /** Number of distinct links interned. */
  get size(): number {
    return this.ids.size;
  }

  /** A request's links as the index keys them: scoped links differ from the same content in another scope. */
  private keyOf(link: string, scope: string | undefined): string {
    return scope === undefined ? link : createHash('sha256').update(scope).update('\u0000').update(link, 'hex').digest('hex');
  }

  /**
   * The nearest prior of `r` among the requests added so far, and the link ids of r's shared whole
   * segments. `known` gives ids already established for r's first links (from a request it is known to
   * share them with), so a growing conversation looks up only its new links.
   */
  find(r: IndexedRequest, known?: { ids: ArrayLike<number>; count: number }): { prior?: NearestPrior; ids: number[] } {
    const ids: number[] = [];
    const n = r.links.length;
    let k = 0;
    if (known) for (; k < known.count && k < n; k++) ids.push(known.ids[k]!);
    for (; k < n; k++) {
      const id = this.ids.find(this.keyOf(r.links[k]!, r.scope));
      if (id === 0 || this.latest[id]! < 0) break;
      ids.push(id);
    }
    const parent = k > 0 ? ids[k - 1]! : 0;
    let prior: NearestPrior | undefined;
    if (k > 0) {
      prior = { seq: this.latest[parent]!, segments: k, chars: 0 };
      const t = this.used[parent]!;
      if (!Number.isNaN(t)) prior.lastUsed = t;
    }
    if (k < n) {
      // inside the next segment: the recent child whose text shares the most characters
      const text = r.text(k);
      let best = 0;
      let bestSeq = -1;
      for (const child of this.children.get(this.scopedParent(parent, k, r.scope)) ?? []) {
        const seq = this.latest[child]!;
        const other = seq >= 0 ? this.textOf(seq, k) : undefined;
        if (other === undefined) continue;
        const cp = commonPrefix(other, text);
        if (cp > best) {
          best = cp;
          bestSeq = seq;
        }
      }
      if (bestSeq >= 0) {
        prior = { seq: bestSeq, segments: k, chars: best };
        const t = k > 0 ? this.used[parent]! : NaN;
        if (!Number.isNaN(t)) prior.lastUsed = t;
      }
    }
    return prior ? { prior, ids } : { ids };
  }

  /** The empty prefix of each scope has its own children list. */
  private scopedParent(parent: number, k: number, scope: string | undefined): number {
    if (k > 0 || scope === undefined) return parent;
    return -this.ids.id(this.keyOf('0'.repeat(64), scope));
  }

  /**
   * Records `r` as the latest request through each of its links. `shared` is the count of leading ids
   * from find(); returns every link's id (the replay's chain ids).
   */
  add(r: IndexedRequest, shared: readonly number[]): Int32Array {
    const n = r.links.length;
    const out = new Int32Array(n);
    const time = r.time ?? NaN;
    let parent = 0;
    for (let k = 0; k < n; k++) {
      const id = k < shared.length ? shared[k]! : this.ids.id(this.keyOf(r.links[k]!, r.scope));
      out[k] = id;
      if (id >= this.latest.length) this.grow(id);
      const isNew = this.latest[id]! < 0;
      this.latest[id] = r.seq;
      this.used[id] = time;
      // the first link past the shared ones is this prefix's most recent child
      if (k >= shared.length && (isNew || k === shared.length)) this.touchChild(this.scopedParent(parent, k, r.scope), id);
      parent = id;
    }
    return out;
  }

  private touchChild(parent: number, id: number): void {
    let list = this.children.get(parent);
    if (!list) {
      list = [];
      this.children.set(parent, list);
    }
    const at = list.indexOf(id);
    if (at === 0) return;
    if (at > 0) list.splice(at, 1);
    list.unshift(id);
    if (list.length > CHILDREN) list.pop();
  }

  private grow(id: number): void {
    let len = this.latest.length;
    while (len <= id) len *= 2;
    const latest = new Int32Array(len).fill(-1);
    latest.set(this.latest);
    const used = new Float64Array(len).fill(NaN);
    used.set(this.used);
    this.latest = latest;
    this.used = used;
  }
}
