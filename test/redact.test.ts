import { describe, expect, it } from 'vitest';
import { excerpt, redact, redactKey } from '../src/redact.js';

describe('redact', () => {
  const secrets: Array<[string, string]> = [
    ['anthropic key', 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'],
    ['openai key', 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'],
    ['google key', 'AIzaSyA1234567890abcdefghijklmnopqrstuv'],
    ['aws key', 'AKIAIOSFODNN7EXAMPLE'],
    ['github token', 'ghp_1234567890abcdefghijklmnopqrstuvwxyz12'],
    ['jwt', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
    ['email', 'asgeir.t@example.com'],
    ['phone', '+1 415-555-0123'],
  ];
  for (const [kind, secret] of secrets) {
    it(`removes a ${kind}`, () => {
      const out = redact(`before ${secret} after`);
      expect(out).not.toContain(secret);
      expect(out).toContain('[REDACTED:');
      expect(out.startsWith('before ')).toBe(true);
    });
  }

  it('redacts bearer tokens and key assignments but keeps the label', () => {
    expect(redact('Authorization: Bearer abcdefghijklmnop1234')).toContain('Bearer [REDACTED:token]');
    expect(redact('api_key="supersecretvalue123"')).toBe('api_key="[REDACTED:secret]"');
  });

  it('leaves ordinary prompt text alone', () => {
    const text = 'The current date is August 25, 2025. Version 4.1.2 of the tool. Use 1024 tokens.';
    expect(redact(text)).toBe(text);
  });
});

describe('excerpt', () => {
  it('keeps short text and shows line breaks', () => {
    expect(excerpt('a\r\nb\tc')).toBe('a⏎b⇥c');
  });
  it('cuts long text with an ellipsis', () => {
    const out = excerpt('x'.repeat(500), 40);
    expect(out).toHaveLength(40);
    expect(out.endsWith('…')).toBe(true);
  });
});

describe('redactKey (lineage keys: user ids, session ids)', () => {
  it('keeps plain ids, redacts personal data, and keeps two people apart', () => {
    expect(redactKey('session-42')).toBe('session-42');
    const a = redactKey('alice@example.com');
    const b = redactKey('bob@example.com');
    expect(a).toMatch(/^\[REDACTED:email\]~[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(redactKey('alice@example.com')).toBe(a);
  });
});
