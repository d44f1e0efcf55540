import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../model/errors.js';
import { lineAt } from '../mute/exceptions-file.js';
import { SCOPES } from '../sources/aws/scope.js';
import { ALL_CHECKS, CHECK_GROUPS } from '../checks/catalogue.js';
import { REPORT_FORMATS } from '../report/formats.js';

export { CONFIG_FILE_NAMES, findConfigFile } from './find-config-file.js';

const list = z.union([z.string().min(1), z.array(z.string().min(1))]);

const items = (value: string | string[]) => (typeof value === 'string' ? [value] : value).flatMap((v) => v.split(',')).map((v) => v.trim());

/** Check ids and groups, as --checks takes them: an unknown one is an error at its line, not at run time. */
const checkList = list.superRefine((value, ctx) => {
  const known = new Set([...ALL_CHECKS.map((c) => c.meta.id), ...Object.keys(CHECK_GROUPS)]);
  for (const id of items(value)) {
    if (!known.has(id))
      ctx.addIssue({
        code: 'custom',
        message: `unknown check id "${id}" (see "ecsguard checks"; groups: ${Object.keys(CHECK_GROUPS).join(', ')})`,
      });
  }
});

/** Report formats, as --format takes them (FORMAT or FORMAT:FILE). */
const formatList = list.superRefine((value, ctx) => {
  for (const spec of typeof value === 'string' ? [value] : value) {
    const colon = spec.indexOf(':');
    const name = colon === -1 ? spec : spec.slice(0, colon);
    if (!(REPORT_FORMATS as readonly string[]).includes(name)) {
      ctx.addIssue({ code: 'custom', message: `unknown format "${name}" (choose from ${REPORT_FORMATS.join(', ')})` });
    } else if (colon !== -1 && spec.slice(colon + 1) === '') {
      ctx.addIssue({ code: 'custom', message: `"${spec}": name a file after the colon, or drop the colon` });
    }
  }
});

/**
 * Defaults for the command line. Keys are the long option names in camelCase; a flag given on the
 * command line always wins. Paths are relative to the folder of the config file.
 */
export const ConfigSchema = z.strictObject({
  version: z.literal(1).optional(),
  checks: checkList.optional().describe('--checks'),
  skipChecks: checkList.optional().describe('--skip-checks'),
  failOn: z.enum(['critical', 'high', 'medium', 'low']).optional().describe('--fail-on'),
  failOnUnknown: z.boolean().optional().describe('--fail-on-unknown'),
  includePassed: z.boolean().optional().describe('--include-passed'),
  format: formatList.optional().describe('--format, e.g. [sarif:ecsguard.sarif, html:report.html]'),
  outputDir: z.string().min(1).optional().describe('--output-dir'),
  exceptions: z.string().min(1).optional().describe('--exceptions'),
  baseline: z.string().min(1).optional().describe('--baseline'),
  inlineSuppressions: z.boolean().optional().describe('false: as --no-inline-suppressions'),
  varFile: list.optional().describe('--var-file'),
  aws: z.boolean().optional().describe('--aws'),
  profile: z.string().min(1).optional(),
  roleArn: z.string().min(1).optional(),
  region: list.optional().describe('--region'),
  allRegions: z.boolean().optional(),
  scope: z.enum(SCOPES).optional(),
  asffAccountId: z
    .string()
    .regex(/^\d{12}$/, 'expected a 12-digit AWS account id')
    .optional(),
  asffRegion: z.string().min(1).optional(),
  fix: z
    .strictObject({
      user: z.string().min(1).optional(),
      networkMode: z.enum(['keep', 'awsvpc']).optional(),
      dropCapabilities: z.boolean().optional(),
      readonlyRoot: z.boolean().optional(),
      batchSize: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).optional(),
    })
    .optional()
    .describe('defaults for "ecsguard fix"'),
});

export type Config = z.infer<typeof ConfigSchema>;

export interface LoadedConfig {
  file: string;
  config: Config;
}

const PATH_KEYS = ['outputDir', 'exceptions', 'baseline'] as const;

export function parseConfig(text: string, file: string, cwd = process.cwd()): LoadedConfig {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const at = counter.linePos(e?.pos[0] ?? 0);
    throw new UsageError(`invalid config file ${file}:${at.line}:${at.col}: ${e?.message.split('\n')[0]}`);
  }
  const data = doc.toJS() ?? {};
  const parsed = ConfigSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      return keys.map((key) => {
        const line = lineAt(doc, counter, issue.path, key);
        const field = [...issue.path.map(String), ...(key ? [key] : [])].join('.');
        const message = issue.code === 'unrecognized_keys' ? 'unknown setting (see docs/config.md)' : issue.message;
        return `  ${file}${line ? `:${line}` : ''}: ${field || 'root'}: ${message}`;
      });
    });
    throw new UsageError(`invalid config file ${file}:\n${problems.join('\n')}`);
  }
  // Paths are relative to the config file; the CLI sees them relative to the working folder.
  const base = path.dirname(path.resolve(file));
  const rel = (p: string) => path.relative(cwd, path.resolve(base, p)) || '.';
  const config: Config = { ...parsed.data };
  for (const key of PATH_KEYS) if (config[key]) config[key] = rel(config[key]);
  if (config.varFile) config.varFile = (typeof config.varFile === 'string' ? [config.varFile] : config.varFile).map(rel);
  if (config.format) {
    config.format = (typeof config.format === 'string' ? [config.format] : config.format).map((spec) => {
      const colon = spec.indexOf(':');
      return colon === -1 ? spec : `${spec.slice(0, colon)}:${rel(spec.slice(colon + 1))}`;
    });
  }
  return { file, config };
}

export function loadConfig(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the config file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseConfig(text, file);
}
