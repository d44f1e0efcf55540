/**
 * The `yaml` package's CST `Parser`, as the fast path uses it. The package ships the same code twice: `dist/` (what
 * Node resolves) reads `process.env.LOG_TOKENS` for every token it parses, a native environment lookup that costs
 * about a third of the parse on CloudFormation templates; `browser/dist/` is the same build without that debug hook.
 * The package's exports map only offers the Node build to Node, so the other is loaded from the installed package's
 * own folder, once, when a scan has read enough templates to repay loading it; if it cannot be (another layout, a
 * bundle), the Node build is used.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Parser as NodeParser } from 'yaml';

export type YamlParserClass = typeof NodeParser;

let parserClass: YamlParserClass | undefined;
let loading: Promise<YamlParserClass> | undefined;

/** The parser class to use; `NodeParser` until `loadYamlParser()` has finished. */
export function yamlParserClass(): YamlParserClass {
  return parserClass ?? NodeParser;
}

/** Loads the parser without the debug hook; resolves to the class in use. Safe to call repeatedly. */
export function loadYamlParser(): Promise<YamlParserClass> {
  loading ??= importQuietParser().then((loaded) => {
    parserClass = loaded;
    return loaded;
  });
  return loading;
}

async function importQuietParser(): Promise<YamlParserClass> {
  try {
    // .../yaml/dist/index.js → .../yaml/browser/dist/parse/parser.js
    const entry = createRequire(import.meta.url).resolve('yaml');
    const file = path.join(path.dirname(entry), '..', 'browser', 'dist', 'parse', 'parser.js');
    const loaded = (await import(pathToFileURL(file).href)) as { Parser?: unknown };
    return isParserClass(loaded.Parser) ? loaded.Parser : NodeParser;
  } catch {
    return NodeParser;
  }
}

/** The same class shape: a constructor whose instances have the generator `parse`. */
function isParserClass(value: unknown): value is YamlParserClass {
  return typeof value === 'function' && typeof (value as { prototype?: { parse?: unknown } }).prototype?.parse === 'function';
}
