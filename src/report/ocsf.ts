import type { Finding, Severity } from '../model/finding.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { locationLabel, proposedFix, remediationDetails } from './finding-text.js';
import { whole } from './chunks.js';
import type { ChunkedReporter, Reporter } from './report.js';
import { jsonTextChunks, lazyArray } from './stream-json.js';
import { stableFindingId } from './stable-id.js';

/** The OCSF schema version the events follow (Detection Finding, class 2004, Findings category 2). */
export const OCSF_VERSION = '1.5.0';

const SEVERITY_ID: Record<Severity, [number, string]> = {
  info: [1, 'Informational'],
  low: [2, 'Low'],
  medium: [3, 'Medium'],
  high: [4, 'High'],
  critical: [5, 'Critical'],
};

function resource(f: Finding) {
  const r = f.resource;
  return {
    uid: r.arn ?? (r.file ? `${r.file}#${r.id}` : r.id),
    name: r.family ?? r.id,
    type: r.source === 'terraform' || r.source === 'terraform-plan' ? 'aws_ecs_task_definition' : 'AWS::ECS::TaskDefinition',
    ...(r.region ? { region: r.region } : {}),
    ...(r.accountId ? { owner: { account: { uid: r.accountId, type: 'AWS Account', type_id: 10 } } } : {}),
    data: {
      source: r.source,
      id: r.id,
      ...(r.file ? { file: r.file } : {}),
      ...(r.revision !== undefined ? { revision: r.revision } : {}),
      ...(f.container ? { container: f.container } : {}),
      ...(f.field ? { field: f.field } : {}),
      ...(f.location ? { location: locationLabel(f) } : {}),
      ...(f.usage ? { running_tasks: f.usage.runningTasks, services: f.usage.services } : {}),
    },
  };
}

/**
 * OCSF 1.x Detection Finding events (as Prowler's json-ocsf): a JSON array, one event per finding.
 * MUTED is status_id 3 (Suppressed) with the exception under unmapped.ecsguard.suppression.
 */
export const ocsfReportChunks: ChunkedReporter = ({ result, generatedAt }) => {
  const now = generatedAt ?? new Date();
  // Each event is made (and dropped) as it is written.
  const events = lazyArray(result.findings, (f) => {
    const [severityId, severityName] = SEVERITY_ID[f.severity];
    const muted = f.status === 'MUTED';
    const fix = remediationDetails(f);
    const r = f.resource;
    return {
      activity_id: 1,
      activity_name: 'Create',
      category_uid: 2,
      category_name: 'Findings',
      class_uid: 2004,
      class_name: 'Detection Finding',
      type_uid: 200401,
      type_name: 'Detection Finding: Create',
      severity_id: severityId,
      severity: severityName,
      status_id: muted ? 3 : 1,
      status: muted ? 'Suppressed' : 'New',
      status_code: f.status,
      status_detail: f.message,
      message: f.message,
      time: now.getTime(),
      time_dt: now.toISOString(),
      metadata: {
        version: OCSF_VERSION,
        product: { name: TOOL_NAME, vendor_name: TOOL_NAME, version: TOOL_VERSION, uid: TOOL_NAME },
        event_code: f.checkId,
        profiles: r.kind === 'aws' ? ['cloud'] : [],
      },
      finding_info: {
        uid: `${TOOL_NAME}-${f.checkId}-${stableFindingId(f)}`,
        title: f.title,
        desc: f.message,
        types: ['ECS task definition'],
        created_time: now.getTime(),
        created_time_dt: now.toISOString(),
      },
      resources: [resource(f)],
      ...(r.kind === 'aws'
        ? {
            cloud: {
              provider: 'AWS',
              ...(r.region ? { region: r.region } : {}),
              ...(r.accountId ? { account: { uid: r.accountId, type: 'AWS Account', type_id: 10 } } : {}),
            },
          }
        : {}),
      remediation: { desc: fix.summary, references: fix.references },
      unmapped: {
        ecsguard: {
          check_id: f.checkId,
          ...(proposedFix(f) ? { proposed_fix: proposedFix(f) } : {}),
          ...(f.suppression ? { suppression: f.suppression } : {}),
        },
      },
    };
  });
  return jsonTextChunks(events, 2);
};

export const ocsfReporter: Reporter = (input, context) => whole(ocsfReportChunks(input, context));
