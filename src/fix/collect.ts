import type { Check } from '../checks/types.js';
import type { DiscoveryOptions } from '../engine/discover.js';
import { type EvaluatedDefinition, type ScanOptions, scan } from '../engine/scan.js';
import type { ScanError } from '../model/finding.js';
import type { FileSource, FileSourceOptions, InputFile } from '../sources/source.js';

export interface CollectOptions extends FileSourceOptions, DiscoveryOptions, Pick<ScanOptions, 'onFileRead' | 'onFindingLines'> {
  paths: string[];
  checks: readonly Check[];
  fileSources?: readonly FileSource[];
}

export interface Collected {
  files: InputFile[];
  definitions: EvaluatedDefinition[];
  errors: ScanError[];
}

/**
 * Runs the scan and keeps what the fixer needs beyond findings: the task
 * definitions (their value trees carry the positions to edit) and the texts
 * the positions refer to.
 */
export async function collectDefinitions(options: CollectOptions): Promise<Collected> {
  const definitions: EvaluatedDefinition[] = [];
  let files: InputFile[] = [];
  const result = await scan({
    ...options,
    // The fixer plans its own edits (and manual steps) per definition; the findings need neither theirs nor peers.
    findingDetails: { edits: false, peers: false },
    onEvaluated: (evaluated) => definitions.push(evaluated),
    onFilesRead: (read) => (files = read),
  });
  return { files, definitions, errors: result.errors };
}
