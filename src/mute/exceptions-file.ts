import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Document, isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { UsageError } from '../model/errors.js';
import { ExceptionsFileSchema, SELECTOR_NAMES, type Selector } from './exceptions-schema.js';

/** One validated entry of an exceptions file. */
export interface ExceptionEntry {
  /** `id` as written, or `#<position>` (1-based). */
  id: string;
  /** 0-based position in the file. */
  index: number;
  line: number;
  checks: string[];
  selectors: Partial<Record<Selector, string[]>>;
  reason: string;
  owner: string;
  expires: string;
  ticket?: string;
}

export interface ExceptionsFile {
  /** The file as the user named it. */
  file: string;
  /** Folder `paths` globs are relative to. */
  baseDir: string;
  entries: ExceptionEntry[];
}

/** A file that does not validate: every problem, each naming the entry, the field and the line. */
export class ExceptionsFileError extends UsageError {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid exceptions file ${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

const list = (value: string | string[] | undefined): string[] | undefined =>
  value === undefined ? undefined : typeof value === 'string' ? [value] : value;

/** The YAML node at a path, or the closest ancestor that exists; its line (1-based). */
export function lineAt(doc: Document, counter: LineCounter, segments: PropertyKey[], key?: string): number | undefined {
  let node: unknown = doc.contents;
  let line: number | undefined;
  const lineOf = (n: unknown) => {
    const range = (n as { range?: [number, number] } | null)?.range;
    return range ? counter.linePos(range[0]).line : undefined;
  };
  line = lineOf(node);
  for (const segment of [...segments, ...(key === undefined ? [] : [key])]) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === segment);
      if (!pair) break;
      // An unknown key is reported at the key itself; anything else at its value.
      node = segment === key ? pair.key : pair.value;
      line = lineOf(node) ?? lineOf(pair.key) ?? line;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      line = lineOf(node) ?? line;
    } else break;
  }
  return line;
}

/** A union's own message says nothing ("Invalid input"): use its most specific branch issue. */
function specific(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || !issue.errors.length) return issue;
  const inner = issue.errors.flat().map((i) => specific({ ...i, path: [...issue.path, ...i.path] }));
  // The deepest issue is the branch that got furthest (the list branch for a list).
  return inner.sort((a, b) => b.path.length - a.path.length)[0] ?? issue;
}

function describeIssue(original: z.core.$ZodIssue, data: unknown, doc: Document, counter: LineCounter, file: string): string[] {
  const issue = specific(original);
  const segments = issue.path;
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
  return keys.map((key) => {
    const line = lineAt(doc, counter, segments, key);
    const entryIndex = segments[0] === 'exceptions' && typeof segments[1] === 'number' ? segments[1] : undefined;
    const rest = segments.slice(entryIndex === undefined ? 0 : 2).map(String);
    let where = '';
    if (entryIndex !== undefined) {
      const raw = (data as { exceptions?: Array<{ id?: unknown }> }).exceptions?.[entryIndex];
      const id = typeof raw?.id === 'string' ? ` (id ${raw.id})` : '';
      where = `exception #${entryIndex + 1}${id}`;
    }
    const field = key !== undefined ? [...rest, key].join('.') : rest.join('.');
    // A top-level key is one of the file's own (version, exceptions); one inside an entry is an entry's field.
    const expected =
      entryIndex === undefined ? 'version, exceptions' : `id, checks, ${SELECTOR_NAMES.join(', ')}, reason, owner, expires, ticket`;
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown field (expected one of ${expected})`
        : issue.code === 'invalid_type' && issue.input === undefined
          ? segments.length === 0
            ? 'the file is empty: expected version: 1 and an exceptions list'
            : 'required'
          : issue.message;
    const subject = [where, field].filter(Boolean).join(': ');
    return `${file}${line ? `:${line}` : ''}: ${subject ? `${subject}: ` : ''}${message}`;
  });
}

/** Parses and validates an exceptions file's text; throws ExceptionsFileError listing every problem. */
export function parseExceptionsFile(text: string, file: string, baseDir = path.dirname(file)): ExceptionsFile {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ExceptionsFileError(
      file,
      doc.errors.map((e) => {
        const at = counter.linePos(e.pos[0]);
        return `${file}:${at.line}:${at.col}: invalid YAML: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  const data: unknown = doc.toJS();
  const parsed = ExceptionsFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new ExceptionsFileError(
      file,
      parsed.error.issues.flatMap((issue) => describeIssue(issue, data, doc, counter, file)),
    );
  }

  const problems: string[] = [];
  const ids = new Map<string, number>();
  const entries = parsed.data.exceptions.map((raw, index): ExceptionEntry => {
    const line = lineAt(doc, counter, ['exceptions', index]) ?? 1;
    const id = raw.id ?? `#${index + 1}`;
    const label = `exception #${index + 1}${raw.id ? ` (id ${raw.id})` : ''}`;
    const checks = list(raw.checks) ?? [];
    if (raw.id !== undefined) {
      const previous = ids.get(raw.id);
      if (previous !== undefined) problems.push(`${file}:${line}: ${label}: id: ${raw.id} is already used by exception #${previous + 1}`);
      else ids.set(raw.id, index);
    }
    const selectors: Partial<Record<Selector, string[]>> = {};
    for (const name of SELECTOR_NAMES) {
      const values = list(raw[name]);
      if (values) selectors[name] = values;
    }
    return {
      id,
      index,
      line,
      checks,
      selectors,
      reason: raw.reason,
      owner: raw.owner,
      expires: raw.expires,
      ...(raw.ticket ? { ticket: raw.ticket } : {}),
    };
  });
  if (problems.length) throw new ExceptionsFileError(file, problems);
  return { file, baseDir, entries };
}

export async function loadExceptionsFile(file: string): Promise<ExceptionsFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the exceptions file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseExceptionsFile(text, file);
}
