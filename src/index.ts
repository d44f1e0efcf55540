/**
 * Library entry point: the pipeline the CLI runs, without the CLI (`ecsguard/cli` has `main`). Every function that
 * takes `checks` defaults to `CHECKS`, the default selection.
 */
// Scanning
export {
  scan,
  scanText,
  evaluatePlain,
  evaluateTaskDefinition,
  type CheckSelection,
  type Evaluation,
  type ScanOptions,
  type ScanTextOptions,
} from './library/scan.js';
export type { ScanResult, ScanSummary, Enricher, EvaluatedDefinition } from './engine/scan.js';
export type { SkippedFile } from './engine/discover.js';
export { scanAccount, type ScanAccountOptions } from './library/account.js';

// Fixing
export { fixText, fixFiles, type FixTextOptions, type FixTextResult, type FixFilesOptions } from './library/fix.js';
export { DEFAULT_FIX_OPTIONS, type FixOptions, type FieldChange, type FixWarning, type ManualFix } from './fix/strategy.js';
export type { DefinitionFixes, FileChange, FilesFixResult } from './fix/fix-files.js';
export { applyTextEdits, type TextEdit } from './fix/text-edit.js';

// Checks
export { ALL_CHECKS, CHECKS, CHECK_GROUPS, findCheck, selectChecks } from './checks/catalogue.js';
export type { Check, CheckMeta, Mappings, Remediation, Violation } from './checks/types.js';

// Model and findings
export { SEVERITIES, STATUSES, type Finding, type ScanError, type Severity, type Status, type Suppression } from './model/finding.js';
export type { TaskDefinition, ContainerDefinition, ResourceRef, SourceKind, Usage } from './model/task-definition.js';
export { normalizeTaskDefinition } from './model/task-definition.js';
export { fromPlain, toPlain, type ValueNode, type ObjectNode, type Origin, type Syntax } from './model/value.js';
export type { SourceRange, Position } from './model/location.js';
export type { EffectiveUser, ImageUserFact } from './model/effective-user.js';

// Sources
export type {
  FileSource,
  FileSourceOptions,
  InputFile,
  LiveSource,
  SourceDefinition,
  SourceFailure,
  SourceOutput,
} from './sources/source.js';
export { FILE_SOURCES } from './sources/registry.js';
export { AwsLiveSource, type AwsScanOptions } from './sources/aws/live-source.js';
export type { Scope } from './sources/aws/scope.js';

// Reports
export { REPORTERS, REPORT_FORMATS, type ReportFormat } from './report/index.js';
export type { AsffTarget, ReportContext, ReportInput, Reporter } from './report/report.js';

// Enrichers
export { imageUserEnricher, type ImageUserEnricherOptions } from './enrich/image-user/index.js';
