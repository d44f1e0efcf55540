import path from 'node:path';
import type { ReportScope, ReportedFinding } from './report-file.js';

/**
 * Whether a scan with this scope looked where the finding is: a file under one of its paths (resolved against the
 * current folder, as both reports name files relative to where they ran), or a live revision in an account and region
 * one of its live sources read (a member a source does not know holds anything). A file outside the paths of the scan
 * that found it was reached through them (a Terraform module called from there): the later scan looked at it when it
 * was given those paths too, and so followed the same calls.
 */
export function lookedAt(f: ReportedFinding, scope: ReportScope, foundIn: ReportScope | undefined): boolean {
  if (f.resource.kind === 'aws') {
    const { accountId, region } = f.resource;
    const covers = (live: ReportScope['live'][number]) =>
      (live.accounts === undefined || accountId === undefined || live.accounts.includes(accountId)) &&
      (live.regions === undefined || region === undefined || live.regions.includes(region));
    // A finding is a family's: a later scan over fewer families (`--scope all`, then `latest`, which skips a family
    // with INACTIVE revisions only; anything, then `in-use`) may not have looked at it.
    const before = foundIn?.live.find(covers)?.revisions;
    return scope.live.some((live) => covers(live) && !fewerFamilies(live.revisions, before));
  }
  // Each report's names are relative to the folder it ran in. Folders that are not one inside the other are taken to
  // be one checkout on two machines (a CI runner's and a laptop's), whose relative names compare as they are.
  const [fromFolder, toFolder] = related(foundIn?.folder, scope.folder) ? [foundIn?.folder, scope.folder] : [undefined, undefined];
  const files = [f.resource.file, f.location?.file].filter((file): file is string => file !== undefined);
  const under = (paths: readonly string[], folder: string | undefined) =>
    files.some((file) => paths.some((root) => covers(root, folder, file, fromFolder)));
  if (under(scope.paths, toFolder)) return true;
  return (
    foundIn !== undefined &&
    !under(foundIn.paths, fromFolder) &&
    foundIn.paths.every((given) => scope.paths.some((root) => covers(root, toFolder, given, fromFolder)))
  );
}

export function related(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && (inside(a, b) || inside(b, a));
}

function inside(folder: string, within: string): boolean {
  const relative = path.relative(within, folder);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Whether `root` (given in `rootFolder`) holds `file` (named in `fileFolder`); the current folder for both if unknown. */
function covers(root: string, rootFolder: string | undefined, file: string, fileFolder: string | undefined): boolean {
  if (root === '<stdin>' || file === '<stdin>') return root === file;
  return inside(path.resolve(fileFolder ?? '.', file), path.resolve(rootFolder ?? '.', root));
}

/**
 * How many families a `--scope` reads, in order: `in-use` the deployed ones, `latest` and `active` every family with
 * an ACTIVE revision, `all` every family.
 */
const FAMILY_COVERAGE: Readonly<Record<string, number>> = { 'in-use': 0, latest: 1, active: 1, all: 2 };

function fewerFamilies(after: string | undefined, before: string | undefined): boolean {
  if (after === undefined || before === undefined) return false;
  return (FAMILY_COVERAGE[after] ?? 2) < (FAMILY_COVERAGE[before] ?? 2);
}
