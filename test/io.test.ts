import { describe, expect, it } from 'vitest';
import { decideColor, makeChalk } from '../src/io.js';

describe('decideColor', () => {
  const tty = { env: {}, isTTY: true };
  const pipe = { env: {}, isTTY: false };

  it('follows the terminal when nothing else is said', () => {
    expect(decideColor(tty)).toBe(true);
    expect(decideColor(pipe)).toBe(false);
    expect(decideColor({ env: {}, isTTY: undefined })).toBe(false);
    expect(decideColor({ env: { TERM: 'dumb' }, isTTY: true })).toBe(false);
  });

  it('turns colour off for any non-empty NO_COLOR', () => {
    expect(decideColor({ ...tty, env: { NO_COLOR: '1' } })).toBe(false);
    expect(decideColor({ ...tty, env: { NO_COLOR: '0' } })).toBe(false);
    expect(decideColor({ ...tty, env: { NO_COLOR: '' } })).toBe(true);
  });

  it('lets FORCE_COLOR beat NO_COLOR, both ways', () => {
    expect(decideColor({ ...pipe, env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).toBe(true);
    expect(decideColor({ ...pipe, env: { FORCE_COLOR: '3' } })).toBe(true);
    expect(decideColor({ ...pipe, env: { FORCE_COLOR: 'true' } })).toBe(true);
    expect(decideColor({ ...tty, env: { FORCE_COLOR: '0' } })).toBe(false);
    expect(decideColor({ ...tty, env: { FORCE_COLOR: 'false' } })).toBe(false);
    expect(decideColor({ ...tty, env: { FORCE_COLOR: 'FALSE' } })).toBe(false);
    // Empty FORCE_COLOR says nothing: NO_COLOR and the terminal decide.
    expect(decideColor({ ...tty, env: { FORCE_COLOR: '', NO_COLOR: '1' } })).toBe(false);
    expect(decideColor({ ...tty, env: { FORCE_COLOR: '' } })).toBe(true);
  });

  it('lets --color / --no-color beat everything', () => {
    expect(decideColor({ flag: true, env: { NO_COLOR: '1', FORCE_COLOR: '0' }, isTTY: false })).toBe(true);
    expect(decideColor({ flag: false, env: { FORCE_COLOR: '1' }, isTTY: true })).toBe(false);
  });

  it('colours Azure Pipelines logs although stdout is a pipe, unless NO_COLOR', () => {
    expect(decideColor({ ...pipe, env: { TF_BUILD: 'True', AGENT_NAME: 'Hosted Agent' } })).toBe(true);
    expect(decideColor({ ...pipe, env: { TF_BUILD: 'True', AGENT_NAME: 'x', NO_COLOR: '1' } })).toBe(false);
  });
});

describe('makeChalk', () => {
  it('emits escape codes exactly when enabled, whatever chalk itself detects', () => {
    expect(makeChalk(false).red('x')).toBe('x');
    expect(makeChalk(false).level).toBe(0);
    expect(makeChalk(true).red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(makeChalk(true).level).toBe(1);
    expect(makeChalk(true, 3).level).toBe(3);
  });
});
