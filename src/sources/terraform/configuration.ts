import { readdirSync } from 'node:fs';
import { basename, join, normalize } from 'node:path';
import type { Parser, Tree } from 'web-tree-sitter';
import type { ScanError } from '../../model/finding.js';
import { LineIndex } from '../../model/location.js';
import type { InputFile } from '../source.js';
import { fileError } from '../source.js';
import { buildModuleConfig, type ModuleConfig } from './module-scope.js';
import { syntaxProblems } from './parser.js';
import { type Block, readHclFile } from './structure.js';
import { readTfJson } from './tf-json.js';
import { type DirectoryFiles, isConfigFile, isConfigInput } from './directories.js';
import { readUtf8Text } from '../../io/read-text-file.js';

/**
 * Parses module directories once each: the discovered ones from the texts the
 * engine read, called local modules from disk. Trees stay alive until
 * `dispose()` because evaluation reads them lazily.
 */
export class ConfigurationLoader {
  private readonly configs = new Map<string, ModuleConfig>();
  private readonly trees: Tree[] = [];

  constructor(
    private readonly parser: Parser,
    private readonly discovered: Map<string, DirectoryFiles>,
    private readonly errors: ScanError[],
  ) {}

  /** `key` is the group key of a discovered directory (see {@link DirectoryFiles.key}); modules are keyed by `absDir`. */
  load(absDir: string, displayDir: string, key = absDir): ModuleConfig | undefined {
    const cached = this.configs.get(key);
    if (cached) return cached;
    const group = this.discovered.get(key);
    const discovered = group?.files.filter(isConfigInput);
    const files = discovered ?? this.readFromDisk(absDir, displayDir);
    if (files === undefined) return undefined;
    const blocks: Block[] = [];
    for (const file of files) blocks.push(...this.parseFile(file));
    // Every block of the directory counts its references: a fixer must not change a variable another file uses.
    const counted = [...blocks];
    if (discovered && !group?.standardInput) {
      // Only some files of the directory were named: the others still declare its
      // variables and locals (Terraform reads the whole directory), but their
      // resources were not asked for.
      const named = new Set(discovered.map((f) => basename(f.path)));
      const siblings = this.readFromDisk(absDir, displayDir, named) ?? [];
      for (const file of siblings) {
        const parsed = this.parseFile(file);
        counted.push(...parsed);
        blocks.push(...parsed.filter((b) => b.type === 'variable' || b.type === 'locals' || b.type === 'data'));
      }
    }
    const config = buildModuleConfig(absDir, group?.displayDir ?? displayDir, blocks, counted);
    this.configs.set(key, config);
    return config;
  }

  private readFromDisk(absDir: string, displayDir: string, skip: ReadonlySet<string> = new Set()): InputFile[] | undefined {
    let names: string[];
    try {
      names = readdirSync(absDir)
        .filter((name) => isConfigFile(name) && !skip.has(name))
        .sort();
    } catch {
      return undefined;
    }
    const files: InputFile[] = [];
    for (const name of names) {
      const path = normalize(join(displayDir, name));
      try {
        files.push({ path, absolutePath: join(absDir, name), text: readUtf8Text(join(absDir, name)) });
      } catch (error) {
        this.errors.push(fileError(path, `cannot read the file: ${String(error)}`));
      }
    }
    return files;
  }

  private parseFile(file: InputFile): Block[] {
    const lines = new LineIndex(file.text);
    const source = { path: file.path, lines, delta: 0 };
    // A file recognized by its HCL content may have any name: only `.tf.json` is JSON syntax.
    if (file.path.endsWith('.tf.json')) return readTfJson(file, this.errors);
    const tree = this.parser.parse(file.text);
    if (!tree) {
      this.errors.push(fileError(file.path, 'the Terraform parser returned no tree'));
      return [];
    }
    this.trees.push(tree);
    for (const problem of syntaxProblems(tree.rootNode)) {
      this.errors.push(fileError(file.path, problem.message, lines.range(file.path, problem.startIndex, problem.startIndex)));
    }
    return readHclFile(tree, source).blocks;
  }

  dispose(): void {
    for (const tree of this.trees.splice(0)) tree.delete();
  }
}
