// Checks of the CI formats shared by the formatter tests and the CLI tests: GitLab's documented Code Quality
// schema (with ajv) and a strict XML 1.0 parse (saxes, the conformant parser jsdom uses) for JUnit.
import { Ajv } from 'ajv';
import { SaxesParser } from 'saxes';
import { expect } from 'vitest';
import type { GitlabIssue } from '../../src/formatters/gitlab.js';

/**
 * GitLab's Code Quality report format as its documentation lists it (docs.gitlab.com, ci/testing/code_quality,
 * "Code Quality report format"): an array of objects with a `description`, a `check_name`, a `fingerprint`,
 * a `severity` of info/minor/major/critical/blocker, and a `location` with a relative `path` and either
 * `lines.begin` or `positions.begin.line`.
 */
export const GITLAB_CODE_QUALITY_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['description', 'check_name', 'fingerprint', 'severity', 'location'],
    properties: {
      description: { type: 'string', minLength: 1 },
      check_name: { type: 'string', minLength: 1 },
      fingerprint: { type: 'string', minLength: 1 },
      severity: { enum: ['info', 'minor', 'major', 'critical', 'blocker'] },
      location: {
        type: 'object',
        required: ['path'],
        properties: {
          // relative to the repository root: no leading slash, no drive letter, no backslashes
          path: { type: 'string', minLength: 1, not: { pattern: '^(/|[A-Za-z]:)|\\\\' } },
          lines: {
            type: 'object',
            required: ['begin'],
            properties: { begin: { type: 'integer', minimum: 1 }, end: { type: 'integer', minimum: 1 } },
          },
          positions: {
            type: 'object',
            required: ['begin'],
            properties: { begin: { type: 'object', required: ['line'], properties: { line: { type: 'integer', minimum: 1 } } } },
          },
        },
        anyOf: [{ required: ['lines'] }, { required: ['positions'] }],
      },
    },
  },
} as const;

export const validateGitlab = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(GITLAB_CODE_QUALITY_SCHEMA);

/** Asserts a GitLab report matches the documented schema and GitLab's own rule: fingerprints are unique. */
export function expectValidGitlab(text: string): GitlabIssue[] {
  const issues = JSON.parse(text) as GitlabIssue[];
  const ok = validateGitlab(issues);
  expect(validateGitlab.errors ?? [], JSON.stringify(validateGitlab.errors)).toEqual([]);
  expect(ok).toBe(true);
  expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
  return issues;
}

/** A minimal element tree from a strict, namespace-aware XML 1.0 parse; throws on any well-formedness error. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let error: Error | undefined;
  parser.on('error', (e) => {
    error ??= e;
  });
  parser.on('opentag', (tag) => {
    const el: XmlElement = { name: tag.name, attributes: { ...(tag.attributes as Record<string, string>) }, children: [], text: '' };
    if (stack.length) stack[stack.length - 1]!.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('text', (t) => {
    if (stack.length) stack[stack.length - 1]!.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  if (error) throw error;
  if (!root) throw new Error('no root element');
  return root;
}


/** The child elements of `el` named `name`. */
export function children(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}
