// --fix and --fix-dry-run over a report's files: which files qualify (templates and tool files with a
// fixable finding; request logs are evidence and are never touched), the fixed bytes, and either a unified
// diff or an atomic write per file.
import { createTwoFilesPatch } from 'diff';
import path from 'node:path';
import type { Diagnostic } from '../model.js';
import type { FileResult } from '../report.js';
import { fixContent, isFixable } from './apply.js';
import { isJsonPath } from '../checks/tools.js';
import { ChangedOnDiskError, readSnapshot, writeFixed } from './write.js';

export interface FileFix {
  file: string;
  changed: boolean;
  fixed: Record<string, number>;
  /** unified diff of the change (empty when unchanged) */
  diff: string;
  /** set when the file was not written: changed on disk, unreadable, … */
  error?: string;
}

/** A tool file or request-shaped template in JSON: the structural sorts apply. */
export function isJsonFile(f: Pick<FileResult, 'file' | 'format'>): boolean {
  return isJsonPath(f.file);
}

/** Files --fix looks at: not logs, not stdin, and with at least one finding it can repair. */
export function fixCandidates(files: readonly FileResult[]): FileResult[] {
  // source code is never rewritten: its findings carry no fixes, and a fix is text, not code
  return files.filter((f) => f.kind !== 'log' && f.kind !== 'source' && f.file !== '<stdin>' && f.diagnostics.some((d) => isFixable(d, isJsonFile(f))));
}

/** Shows CR and other invisible changes in a diff line: a CRLF fix would otherwise look like no change. */
function visible(s: string): string {
  return s.replace(/\r/g, '␍').replace(/\uFEFF/g, '<U+FEFF>').replace(/[\u200B-\u200D\u2060]/g, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
}

/** The unified diff between two versions of a file, invisible characters made visible in changed lines. */
export function unifiedDiff(file: string, before: Buffer, after: Buffer): string {
  const patch = createTwoFilesPatch(`a/${file}`, `b/${file}`, before.toString('utf8'), after.toString('utf8'), '', '', { context: 3 });
  return patch
    .split('\n')
    .map((l) => (/^[-+](?!--|\+\+)/.test(l) ? visible(l) : l))
    .join('\n')
    .replace(/^={3,}\n/, ''); // the package's separator line is not part of a unified diff
}

export interface FixOptions {
  cwd: string;
  dryRun: boolean;
  /** findings for candidate bytes of `file` (relative path), with the run's rules and config */
  lint: (file: string, bytes: Buffer) => Promise<Diagnostic[]>;
}

/** Fixes (or, with dryRun, diffs) every candidate file. Never throws for one file's failure. */
export async function fixFiles(files: readonly FileResult[], opts: FixOptions): Promise<FileFix[]> {
  const out: FileFix[] = [];
  for (const f of fixCandidates(files)) {
    const abs = path.resolve(opts.cwd, f.file);
    try {
      const snap = await readSnapshot(abs);
      const res = await fixContent(snap.bytes, isJsonFile(f), (b) => opts.lint(f.file, b));
      const diff = res.changed ? unifiedDiff(f.file, snap.bytes, res.output) : '';
      const entry: FileFix = { file: f.file, changed: res.changed, fixed: res.fixed, diff };
      if (res.changed && !opts.dryRun) {
        try {
          await writeFixed(abs, res.output, snap);
        } catch (e) {
          entry.changed = false;
          entry.error = e instanceof ChangedOnDiskError ? `${f.file} changed since kvlint read it; not overwritten` : `cannot write ${f.file}: ${(e as Error).message}`;
        }
      }
      out.push(entry);
    } catch (e) {
      out.push({ file: f.file, changed: false, fixed: {}, diff: '', error: `cannot fix ${f.file}: ${(e as Error).message}` });
    }
  }
  return out;
}
