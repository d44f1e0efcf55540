import { FRAMEWORKS } from '../checks/frameworks.js';
import type { Finding } from '../model/finding.js';

/** Findings under one framework control (`aws-fsbp:ECS.4`), for the reports that group by control. */
export interface ControlGroup {
  /** Framework-qualified control id; '' for findings no selected control covers. */
  control: string;
  title: string;
  findings: Finding[];
}

/** Whether the findings were labelled with --framework: the CLI sets `controls` on every finding then. */
export const groupedByControl = (findings: readonly Finding[]): boolean => findings.some((f) => f.controls !== undefined);

/**
 * One group per control in the framework's own order; a finding answering two
 * controls (no-root-user: ECS.20 and ECS.21) is listed under both. Findings of
 * checks no selected control covers (extra --checks) come last.
 */
export function controlGroups(findings: readonly Finding[]): ControlGroup[] {
  const order = FRAMEWORKS.flatMap((f) =>
    f.controls.map((c) => ({ control: `${f.id}:${c.control}`, title: c.title === c.control ? '' : c.title })),
  );
  const groups = new Map<string, ControlGroup>();
  for (const { control, title } of order) groups.set(control, { control, title, findings: [] });
  const unmapped: ControlGroup = { control: '', title: 'Not covered by a selected framework control', findings: [] };
  for (const f of findings) {
    const controls = f.controls ?? [];
    if (controls.length === 0) unmapped.findings.push(f);
    for (const control of controls) {
      const group = groups.get(control) ?? { control, title: '', findings: [] };
      group.findings.push(f);
      groups.set(control, group);
    }
  }
  return [...groups.values(), unmapped].filter((g) => g.findings.length > 0);
}
