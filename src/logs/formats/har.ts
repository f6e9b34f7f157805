// HAR files (browser/proxy captures): entries whose request is an LLM API call become requests; the
// rest is skipped. Entries are mapped onto the cassette shape and share its logic.
import { asString, isObject } from '../api/common.js';
import { arrayElementLines } from '../json-positions.js';
import type { AdapterOutput } from '../types.js';
import { interactionsToRecords } from './vcr.js';

/** Parses a HAR document (`{log:{entries:[…]}}`). */
export function parseHar(text: string, file: string): AdapterOutput[] {
  let js: unknown;
  try {
    js = JSON.parse(text);
  } catch (e) {
    return [{ kind: 'bad', line: 1, message: `JSON error: ${(e as Error).message}` }];
  }
  const entries = isObject(js) && isObject(js.log) && Array.isArray(js.log.entries) ? js.log.entries : undefined;
  if (!entries) return [{ kind: 'bad', line: 1, message: 'HAR without log.entries' }];
  // Line of each entry: scan the entries array as if it were a top-level array.
  const at = text.search(/"entries"\s*:\s*\[/);
  const open = at === -1 ? -1 : text.indexOf('[', at);
  const before = open === -1 ? 0 : (text.slice(0, open).match(/\n/g)?.length ?? 0);
  const lines = open === -1 ? [] : arrayElementLines(text.slice(open)).map((l) => l + before);
  const interactions = entries.map((e) => {
    if (!isObject(e) || !isObject(e.request)) return e;
    const rq = e.request;
    const post = isObject(rq.postData) ? rq.postData : {};
    const rs = isObject(e.response) ? e.response : {};
    const content = isObject(rs.content) ? rs.content : {};
    let respText: unknown = asString(content.text);
    if (typeof respText === 'string' && content.encoding === 'base64') respText = Buffer.from(respText, 'base64');
    const date = asString(e.startedDateTime);
    return {
      request: { uri: asString(rq.url), method: asString(rq.method), body: asString(post.text) },
      response: { body: { string: respText }, headers: date ? { date: [date] } : {} },
    };
  });
  return interactionsToRecords(interactions, lines, file, 'har');
}
