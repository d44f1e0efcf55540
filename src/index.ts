/** Library entry point: the same pipeline the CLI runs. */
export { scan, type ScanOptions, type ScanResult, type ScanSummary } from './engine/scan.js';
export { evaluateTaskDefinition } from './engine/evaluate.js';
export { CHECKS, findCheck, selectChecks } from './checks/catalogue.js';
export type { Check, CheckMeta, Violation } from './checks/types.js';
export type { Finding, ScanError, Severity, Status } from './model/finding.js';
export type { TaskDefinition, ContainerDefinition, ResourceRef, Usage } from './model/task-definition.js';
export { normalizeTaskDefinition } from './model/task-definition.js';
export type { ValueNode, ObjectNode } from './model/value.js';
export type { SourceRange, Position } from './model/location.js';
export { REPORTERS, type ReportFormat } from './report/index.js';
export { main } from './cli/main.js';
export type { Enricher } from './engine/scan.js';
export { imageUserEnricher, type ImageUserEnricherOptions } from './enrich/image-user/index.js';
export type { EffectiveUser, ImageUserFact } from './model/effective-user.js';
