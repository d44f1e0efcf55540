import type { Syntax } from '../../model/value.js';

/** How a value is laid out: on one line, or in a block at an indentation. */
export interface Layout {
  syntax: Syntax;
  /** `inline` for one-line JSON/HCL objects and YAML flow collections. */
  inline: boolean;
  /** Indentation of the entry being written, and one level of nesting. */
  indent: string;
  unit: string;
  eol: string;
  /** Write keys in PascalCase (CloudFormation). */
  pascal: boolean;
  /** Write keys in snake_case (a Terraform block's arguments). */
  snake?: boolean;
  /** The JSON sits inside a quoted HCL string: quotes must be escaped. */
  escapedJson?: boolean;
  /** HCL keys written quoted, as the object's own are (`"name" = …`, what cdktf writes): new ones are too. */
  quotedKeys?: boolean;
}

/** How the replaced scalar was written, so a replacement keeps the quoting style. */
export type ScalarStyle = 'plain' | 'single' | 'double' | undefined;

const YAML_KEYWORDS = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

/** A string YAML reads back as the same string without quotes (no `:` , `#`, keywords or numbers). */
function safePlainYaml(value: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(value) && !YAML_KEYWORDS.test(value);
}

export function sourceKey(key: string, pascal: boolean): string {
  return pascal ? key.charAt(0).toUpperCase() + key.slice(1) : key;
}

function hclString(value: string): string {
  return JSON.stringify(value)
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
}

function hclKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
}

function escapeForHclString(jsonText: string): string {
  return jsonText.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** A scalar in the layout's syntax; YAML strings stay plain or single-quoted when they were. */
export function renderScalar(value: unknown, layout: Pick<Layout, 'syntax' | 'escapedJson'>, style?: ScalarStyle): string {
  if (typeof value !== 'string') {
    const text = JSON.stringify(value);
    return text;
  }
  switch (layout.syntax) {
    case 'yaml':
      if (style === 'single') return `'${value.replace(/'/g, "''")}'`;
      if (style !== 'double' && safePlainYaml(value)) return value;
      return JSON.stringify(value);
    case 'hcl':
      return hclString(value);
    case 'json':
      return layout.escapedJson ? escapeForHclString(JSON.stringify(value)) : JSON.stringify(value);
  }
}

function renderKey(key: string, layout: Layout): string {
  const written = layout.snake ? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : sourceKey(key, layout.pascal);
  if (layout.syntax === 'hcl') return layout.quotedKeys ? JSON.stringify(written) : hclKey(written);
  if (layout.syntax === 'yaml') return written;
  return renderScalar(written, layout);
}

function separator(layout: Layout): string {
  return layout.syntax === 'hcl' ? ' = ' : ': ';
}

/** One `key: value` entry (the value may be a nested object, laid out below the key). */
export function renderEntry(key: string, value: unknown, layout: Layout, keyWidth = 0): string {
  const written = renderKey(key, layout);
  const padded = layout.syntax === 'hcl' ? written.padEnd(keyWidth) : written;
  if (layout.syntax === 'yaml' && !layout.inline && isContainer(value)) {
    return `${padded}:${renderYamlBlock(value, layout.indent + layout.unit, layout)}`;
  }
  const sep = layout.syntax === 'hcl' && keyWidth > written.length ? '= ' : separator(layout);
  const gap = layout.syntax === 'hcl' && keyWidth > written.length ? ' ' : '';
  return `${padded}${gap}${sep}${renderValue(value, layout)}`;
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

/** A value in the layout's syntax: arrays always on one line, objects on one line only when inline. */
export function renderValue(value: unknown, layout: Layout): string {
  if (Array.isArray(value)) {
    const items = value.map((v) => renderValue(v, layout));
    return `[${items.join(', ')}]`;
  }
  if (isContainer(value)) {
    const entries = Object.entries(value);
    if (layout.inline) {
      const open = layout.syntax === 'yaml' ? '{' : '{ ';
      const close = layout.syntax === 'yaml' ? '}' : ' }';
      const joiner = ', ';
      return `${open}${entries.map(([k, v]) => renderEntry(k, v, layout)).join(joiner)}${close}`;
    }
    const inner: Layout = { ...layout, indent: layout.indent + layout.unit };
    const comma = layout.syntax === 'json' ? ',' : '';
    const lines = entries.map(([k, v]) => `${inner.indent}${renderEntry(k, v, inner)}`);
    return `{${layout.eol}${lines.join(`${comma}${layout.eol}`)}${layout.eol}${layout.indent}}`;
  }
  return renderScalar(value, layout);
}

/** A YAML block mapping or sequence written under a key, starting with the newline after `Key:`. */
function renderYamlBlock(value: Record<string, unknown> | unknown[], indent: string, layout: Layout): string {
  if (Array.isArray(value)) {
    return value.map((item) => `${layout.eol}${indent}- ${renderScalar(item, layout)}`).join('');
  }
  const inner: Layout = { ...layout, indent };
  return Object.entries(value)
    .map(([k, v]) => `${layout.eol}${indent}${renderEntry(k, v, inner)}`)
    .join('');
}
