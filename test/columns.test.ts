// FlatRecords: small records packed in columns must come back exactly, key order included (the json
// report prints keys in that order), after the copy to another thread.
import fc from 'fast-check';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { FlatRecords, flatRecordReader, ownedBuffers } from '../src/columns.js';

const value = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('the previous request was not kept', 'timestamp', ''),
  fc.double({ noNaN: true }),
  fc.integer(),
  fc.constant(undefined),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.record({ a: fc.nat() }),
);
const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor')).filter((k) => !k.includes('\u0000'));
const record = fc.dictionary(key, value, { maxKeys: 8 });

describe('FlatRecords', () => {
  it('gives every record back, keys in order, undefined values left out, after structured clone', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 30 }), (records) => {
        const store = new FlatRecords();
        const at = records.map((r) => store.add(r));
        expect(at).toEqual(records.map((_, k) => k));
        expect(store.length).toBe(records.length);
        const read = flatRecordReader(deserialize(serialize(store.transport())));
        for (let k = records.length - 1; k >= 0; k--) {
          expect(JSON.stringify(read(k))).toBe(JSON.stringify(records[k]));
          expect(Object.keys(read(k))).toEqual(Object.keys(records[k]!).filter((key) => records[k]![key] !== undefined));
        }
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('stores a shape and a string once however often they repeat', () => {
    const store = new FlatRecords();
    for (let i = 0; i < 1000; i++) store.add({ segment: i, label: 'messages[0] system', cause: 'unknown', excerpt: 'the previous request was not kept' });
    store.add({ inputTokens: 5, cacheReadTokens: 0 });
    const t = store.transport();
    expect(t.shapes).toHaveLength(2);
    expect(t.strings).toEqual(['messages[0] system', 'unknown', 'the previous request was not kept']);
    expect(t.values).toHaveLength(1000 * 4 + 2);
    expect(flatRecordReader(t)(999)).toEqual({ segment: 999, label: 'messages[0] system', cause: 'unknown', excerpt: 'the previous request was not kept' });
    expect(() => store.add({ 'a\u0000b': 1 })).toThrow(/U\+0000/);
    const odd = JSON.parse('{"__proto__":1,"b":"x"}') as object;
    const k = store.add(odd);
    expect(JSON.stringify(flatRecordReader(store.transport())(k))).toBe('{"__proto__":1,"b":"x"}');
  });
});

describe('ownedBuffers', () => {
  it('lists the buffers typed arrays own whole in nested plain objects, once each, and can move them', async () => {
    const a = new Int32Array(8);
    const b = new Float64Array(4);
    const pooled = Buffer.from('abc'); // a view into Node's shared pool: copied, never moved
    const part = new Uint8Array(new ArrayBuffer(64), 8, 16);
    const value = { t: { a, again: a, deep: { b } }, pooled, part, list: [new Int32Array(2)], map: new Map([[1, new Int32Array(2)]]), n: 1, s: 'x' };
    const buffers = ownedBuffers(value);
    expect(buffers).toHaveLength(2);
    expect(buffers).toContain(a.buffer);
    expect(buffers).toContain(b.buffer);
    const { port1, port2 } = new MessageChannel();
    const got = new Promise<typeof value>((resolve) => port2.once('message', resolve));
    port1.postMessage(value, buffers);
    const back = await got;
    port1.close();
    expect(a.byteLength).toBe(0); // moved
    expect(back.t.a).toHaveLength(8);
    expect(back.t.again).toBe(back.t.a);
    expect(Buffer.from(back.pooled).toString()).toBe('abc');
  });
});
