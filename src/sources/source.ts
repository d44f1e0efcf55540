import type { ScanError } from '../model/finding.js';
import type { SourceRange } from '../model/location.js';
import type { ResourceRef, SourceKind, Usage } from '../model/task-definition.js';
import type { ObjectNode } from '../model/value.js';

/** A file read from disk or standard input, already decoded to text. */
export interface InputFile {
  /** The path as the user gave it (relative stays relative); `<stdin>` for `-`. */
  path: string;
  /** Absolute path, absent for standard input. */
  absolutePath?: string;
  text: string;
  /** How the bytes were encoded when not UTF-8 (a fixer writes the same encoding back). */
  encoding?: 'utf-16le' | 'utf-16be';
  /** The bytes began with a byte order mark, which `text` does not include. */
  bom?: boolean;
  /**
   * For a large file read from disk and left unchanged for a while before: what names the bytes read (fileIdentity in
   * src/io/read-text-file.ts). A worker thread reads such a file again instead of receiving its text (shared-file.ts).
   */
  identity?: string;
  /**
   * Set by the engine for a file whose source reads other files it names (FileSource.referencedFiles): the real paths
   * of those the scan reads on its own too.
   */
  scannedReferences?: string[];
  /** With scannedReferences: the texts of those the scan was given in memory (the library's `texts`), by path. */
  referencedTexts?: Record<string, string>;
}

/** A task definition a source found, with ECS API (camelCase) keys in `body`. */
export interface SourceDefinition {
  resource: ResourceRef;
  body: ObjectNode;
  range?: SourceRange;
  usage?: Usage;
}

/** A resource the source identified but could not read: reported as ERROR for every check. */
export interface SourceFailure {
  resource: ResourceRef;
  error: ScanError;
  usage?: Usage;
  /** Where the resource is written, so its ERROR findings point there. */
  range?: SourceRange;
}

export interface SourceOutput {
  definitions: SourceDefinition[];
  failures: SourceFailure[];
  /** What could not be read: some verdict is missing because of it (exit 2). */
  errors: ScanError[];
  /**
   * Validation problems that did not stop any check (an undefined reference in
   * a container's name or a port, an unknown property): reported, never exit 2.
   */
  warnings?: ScanError[];
}

export interface FileSourceOptions {
  /** Terraform `--var-file` paths. */
  varFiles?: string[];
  /**
   * For a {@link FileSource.shareable} source given one file: read only this share of its resources, the fraction
   * [from, to) of them in file order. The outputs of shares that cover [0, 1), joined in order, are the whole output.
   */
  share?: FileShare;
  /** For a source that splits its files into units ({@link FileSource.units}): where these files' units stand. */
  unit?: UnitPlace;
}

/** Some of a source's files that can be loaded apart from the others (FileSource.units). */
export interface SourceUnit {
  files: InputFile[];
  place: UnitPlace;
}

/** What the load of some of a source's units needs to know of the others (FileSource.units). */
export interface UnitPlace {
  /** Other units hold configuration: the scan has more than one root module. */
  others: boolean;
  /** These are the first units: inputs every unit shares (`--var-file`) report their problems here only. */
  first: boolean;
}

/** A contiguous fraction of one file's resources (see FileSourceOptions.share). */
export interface FileShare {
  from: number;
  to: number;
  /**
   * What {@link FileSource.prepareShares} made of the whole file, once, for every share (plain data: it crosses to
   * a worker), so that no share reads the whole file again to find its resources.
   */
  prepared?: unknown;
}

/**
 * A file-based source. The engine offers each discovered file to the sources in
 * order; the first whose `detect` says yes owns it. `load` receives all files a
 * source owns at once, so Terraform can read a module directory as a unit.
 */
export interface FileSource {
  kind: SourceKind;
  /**
   * True when each file stands alone (JSON, CloudFormation): the engine then loads
   * them in batches and drops each batch's trees once checked, bounding memory.
   * Terraform reads a module directory as a unit and leaves this unset.
   */
  independentFiles?: boolean;
  /**
   * True when one large file can be read in shares (FileSourceOptions.share), each by another thread: a Terraform
   * plan of thousands of resources is one file.
   */
  shareable?: boolean;
  /** For a shareable source: what every share of the file needs of the whole file (a plan's index of resources). */
  prepareShares?(file: InputFile): Promise<unknown>;
  /**
   * For a source whose files are not independent: the files split into units that can be loaded apart (Terraform: a
   * root module with the scanned directories it calls), in order. Loading each unit's files on its own, with its
   * place, and joining the outputs in order gives the output of loading all the files at once: the engine sends units
   * to worker threads as it sends batches of independent files.
   */
  units?(files: InputFile[]): Promise<SourceUnit[]>;
  /**
   * Its files are checked once every other file is, and only those no task definition of the scan read in: a container
   * list that a Terraform resource reads with file() is checked there (its `containerDefinitions` node's range is in
   * the list's file), and listed as skipped here.
   */
  reportedThroughReaders?: boolean;
  /** Content-based, cheap: never a tree with positions (at most a native JSON.parse of a likely candidate). */
  detect(file: InputFile): boolean;
  /**
   * Other files a file's load reads, as its text names them (relative to it), found cheaply: a CloudFormation nested
   * stack's template. The engine gives the load those the scan also reads on their own (InputFile.scannedReferences),
   * so what they report alone need not be reported again.
   */
  referencedFiles?(file: InputFile): string[];
  load(files: InputFile[], options: FileSourceOptions): Promise<SourceOutput>;
  /**
   * Optional: the same output in parts, as they are read (a Terraform plan of thousands of resources), so the engine
   * checks and drops each part's value trees before the next is built: memory follows a part, not the file.
   */
  loadInParts?(files: InputFile[], options: FileSourceOptions, onPart: (part: SourceOutput) => Promise<void>): Promise<void>;
}

/** A source that is not files: the live AWS account. */
export interface LiveSource {
  load(signal?: AbortSignal): Promise<SourceOutput>;
  /** Once loaded: which accounts and regions it read. A revision elsewhere was not looked at (a diff never calls it fixed). */
  scope?(): LiveScope;
  /** Optional: the same output in parts, as they are read, so memory follows a part, not the whole scan. */
  loadInParts?(signal: AbortSignal | undefined, onPart: (part: SourceOutput) => void | Promise<void>): Promise<void>;
}

/** The accounts and regions a live source read; a member left out is not known (anything may have been read). */
export interface LiveScope {
  accounts?: string[];
  regions?: string[];
  /** Which revisions it read (`--scope`: latest, active, in-use, all). */
  revisions?: string;
}

export function emptyOutput(): SourceOutput {
  return { definitions: [], failures: [], errors: [] };
}

export function mergeOutputs(outputs: SourceOutput[]): SourceOutput {
  return {
    definitions: outputs.flatMap((o) => o.definitions),
    failures: outputs.flatMap((o) => o.failures),
    errors: outputs.flatMap((o) => o.errors),
    warnings: outputs.flatMap((o) => o.warnings ?? []),
  };
}

/** An error at a position in a file, in the report's shape. */
export function fileError(file: string, message: string, range?: SourceRange, resource?: string): ScanError {
  return {
    file,
    message,
    ...(range ? { line: range.start.line, column: range.start.column } : {}),
    ...(resource ? { resource } : {}),
  };
}
