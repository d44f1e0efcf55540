import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');
let yaml: Yaml | undefined;

/**
 * The `yaml` package, loaded on first use (synchronously: the package is CommonJS, so `require` gives the module
 * `import` would), so a scan of JSON files never loads it (start-up cost).
 */
export function yamlPackage(): Yaml {
  return (yaml ??= createRequire(import.meta.url)('yaml') as Yaml);
}
