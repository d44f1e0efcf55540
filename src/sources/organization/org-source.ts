import { setMaxListeners } from 'node:events';
import type { ScanError } from '../../model/finding.js';
import { type LiveScope, type LiveSource, type SourceFailure, type SourceOutput, emptyOutput, mergeOutputs } from '../source.js';
import {
  AwsClients,
  type AwsSdk,
  type Credentials,
  DEFAULT_MAX_ATTEMPTS,
  type SharedAgents,
  createSharedAgents,
  loadSdk,
  requestHandlerSettings,
} from '../aws/clients.js';
import { describeAwsError, isAbort, isMissingCredentials } from '../aws/errors.js';
import { withBoundedHeapGrowth } from '../heap-growth.js';
import { type Limiter, createLimiter } from '../aws/limiter.js';
import { AwsLiveSource } from '../aws/live-source.js';
import { SharedEcsClients } from '../aws/shared-ecs-clients.js';
import { discoverRegions } from '../aws/regions.js';
import type { Scope } from '../aws/scope.js';
import { type OrganizationAccount, listOrganizationAccounts } from './accounts.js';
import { ScanState } from './state-file.js';

export interface OrganizationScanOptions {
  scope: Scope;
  /** Regions to scan in every account; `all` discovers each account's enabled regions. */
  regions: string[] | 'all';
  /** The role name every member account has (the scan role); assumed as arn:aws:iam::<account>:role/<name>. */
  role: string;
  externalId?: string;
  /** Scan only the accounts under this OU (and its child OUs). */
  ou?: string;
  /** Management-account credentials: explicit, a profile, or the default chain. */
  profile?: string;
  credentials?: Credentials;
  endpointUrl?: string;
  /** Requests in flight per account-region (default 10). */
  maxConcurrency?: number;
  /** Requests in flight across the whole organization (default 256). */
  maxTotalConcurrency?: number;
  maxAttempts?: number;
  /** Finished account-regions are recorded here; a rerun scans only the rest. */
  statePath?: string;
  cacheDir?: string;
  notice?: (message: string) => void;
}

export interface OrganizationScanStats {
  accounts: number;
  skippedAccounts: number;
  failedAccounts: number;
  pairs: number;
  resumedPairs: number;
  /** API calls made with each account's credentials (AssumeRole counted for the account it enters). */
  callsByAccount: Record<string, number>;
}

export const DEFAULT_MAX_TOTAL_CONCURRENCY = 256;
const STARTS_PER_ATTEMPT = 8;
/** The Organizations and STS endpoints the scan uses when no region is named. */
const GLOBAL_REGION = 'us-east-1';

type Identity = { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date };

/**
 * `scan --aws --org`: every ACTIVE account of the organization (or of one OU),
 * entered through the scan role, and every region of each, scanned at once by
 * the live source. Each account-region has its own clients, limiter and
 * adaptive retry (AWS rate limits are per account and region); a shared
 * limiter bounds the requests in flight across all of them. A failure in one
 * account (the role cannot be assumed, a region not enabled) is an error for
 * that account; the others are still scanned.
 */
export class OrganizationSource implements LiveSource {
  readonly stats: OrganizationScanStats = {
    accounts: 0,
    skippedAccounts: 0,
    failedAccounts: 0,
    pairs: 0,
    resumedPairs: 0,
    callsByAccount: {},
  };

  constructor(
    private readonly options: OrganizationScanOptions,
    private readonly loadAwsSdk: () => Promise<AwsSdk> = loadSdk,
  ) {}

  async load(signal?: AbortSignal): Promise<SourceOutput> {
    const parts: SourceOutput[] = [];
    await this.loadInParts(signal, (part) => {
      parts.push(part);
    });
    return mergeOutputs(parts);
  }

  private accountsListed: string[] | undefined;

  /** The organization's ACTIVE accounts, once listed, and the regions named (discovered regions differ by account). */
  scope(): LiveScope {
    const { regions } = this.options;
    return {
      ...(this.accountsListed ? { accounts: this.accountsListed } : {}),
      ...(Array.isArray(regions) ? { regions: [...regions] } : {}),
      revisions: this.options.scope,
    };
  }

  /** Each account is handed over when all its regions are done, so its described revisions can be dropped. */
  loadInParts(signal: AbortSignal | undefined, onPart: (part: SourceOutput) => void | Promise<void>): Promise<void> {
    // Hundreds of account-regions' calls at once die old: see withBoundedHeapGrowth.
    return withBoundedHeapGrowth(() => this.scanOrganization(signal, onPart));
  }

  private async scanOrganization(signal: AbortSignal | undefined, onPart: (part: SourceOutput) => void | Promise<void>): Promise<void> {
    if (signal) setMaxListeners(0, signal);
    const [sdk, organizations] = await Promise.all([this.loadAwsSdk(), import('@aws-sdk/client-organizations')]);
    const { options } = this;
    const firstRegion = Array.isArray(options.regions) ? (options.regions[0] ?? GLOBAL_REGION) : GLOBAL_REGION;
    // One budget for the organization: HTTP attempts in flight, held per attempt (never during retry back-off).
    const shared = createLimiter(options.maxTotalConcurrency ?? DEFAULT_MAX_TOTAL_CONCURRENCY);
    // Describes started at once across the organization, a bound on the built requests alive when the machine, not
    // the rate limits, sets the pace. A started describe that is throttled keeps its slot through its retries, so the
    // bound must leave room for them: at twice the attempt budget, 200 accounts x 4 regions took 1.38x the ideal time
    // (bench:org); at eight times, 1.17x, for about 100 MB more at the peak.
    const starts = createLimiter(STARTS_PER_ATTEMPT * (options.maxTotalConcurrency ?? DEFAULT_MAX_TOTAL_CONCURRENCY));
    const agents = await createSharedAgents(options.maxTotalConcurrency ?? DEFAULT_MAX_TOTAL_CONCURRENCY);
    // One ECS client per region for every account: each account-region is a lane of it (credentials, adaptive retry,
    // budget), so what the scan holds per account-region is small.
    const ecs = new SharedEcsClients(sdk.ecs, {
      ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
      maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      shared,
      requestHandler: requestHandlerSettings(agents),
    });
    const management = new AwsClients(
      sdk,
      { ...connection(options), maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS },
      firstRegion,
      { shared },
    );
    const orgClient = new organizations.OrganizationsClient({
      region: GLOBAL_REGION,
      ...(options.profile ? { profile: options.profile } : {}),
      ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      retryMode: 'adaptive',
    });
    try {
      let listing;
      try {
        listing = await listOrganizationAccounts(organizations, orgClient, options.ou, signal);
      } catch (error) {
        rethrowAbort(error, signal);
        const operation = options.ou ? 'ListAccountsForParent' : 'ListAccounts';
        const message = isMissingCredentials(error)
          ? describeAwsError(error, 'sts', operation)
          : `cannot list the organization's accounts: ${describeAwsError(error, 'organizations', operation)} ` +
            '(run from the management account or a delegated administrator)';
        await onPart({ ...emptyOutput(), errors: [{ message, operation }] });
        return;
      }
      this.stats.accounts = listing.accounts.length;
      this.accountsListed = listing.accounts.map((a) => a.id);
      this.stats.skippedAccounts = listing.skipped.length;
      if (listing.skipped.length) {
        options.notice?.(
          `skipped ${listing.skipped.length} account(s) that are not ACTIVE: ` +
            listing.skipped.map((a) => `${a.id} (${a.state})`).join(', '),
        );
      }
      const state = options.statePath
        ? await ScanState.open(options.statePath, {
            scope: options.scope,
            regions: options.regions,
            role: options.role,
            ou: options.ou ?? null,
          })
        : undefined;
      // Definitions go on as they are described; errors are kept for the end, in the organization's order, and the
      // revisions that could not be read with them (a few lines each), so the report lists them in the same place
      // whether the scan is consumed in parts or whole (load).
      const errorsByAccount: ScanError[][] = [];
      const failures: SourceFailure[] = [];
      let delivered: Promise<unknown> = Promise.resolve();
      const deliver = (output: SourceOutput) => {
        failures.push(...output.failures);
        const part = { ...output, failures: [] };
        if (!part.definitions.length && !part.warnings?.length) return delivered;
        const next = delivered.then(() => onPart(part));
        delivered = next;
        return next;
      };
      await Promise.all(
        listing.accounts.map(async (account, i) => {
          errorsByAccount[i] = await this.scanAccount(sdk, management, account, { shared, starts, agents, ecs }, state, deliver, signal);
        }),
      );
      await delivered;
      await state?.flush();
      await onPart({ ...emptyOutput(), errors: errorsByAccount.flat(), failures: inOrganizationOrder(failures, listing.accounts) });
    } finally {
      orgClient.destroy();
      management.destroy();
      ecs.destroy();
      agents.http.destroy();
      agents.https.destroy();
    }
  }

  private count(accountId: string, calls = 1): void {
    this.stats.callsByAccount[accountId] = (this.stats.callsByAccount[accountId] ?? 0) + calls;
  }

  private async scanAccount(
    sdk: AwsSdk,
    management: AwsClients,
    account: OrganizationAccount,
    { shared, starts, agents, ecs }: { shared: Limiter; starts: Limiter; agents: SharedAgents; ecs: SharedEcsClients },
    state: ScanState | undefined,
    deliver: (part: SourceOutput) => Promise<unknown>,
    signal?: AbortSignal,
  ): Promise<ScanError[]> {
    const { options } = this;
    const label = `account ${account.id}${account.name && account.name !== account.id ? ` (${account.name})` : ''}`;
    const explicit = Array.isArray(options.regions) ? options.regions : undefined;
    // Everything already recorded: no call at all for this account.
    if (explicit && state && explicit.every((region) => state.has(account.id, region))) {
      this.stats.resumedPairs += explicit.length;
      const recorded: SourceOutput[] = [];
      for (const region of explicit) recorded.push((await state.recorded(account.id, region)) ?? emptyOutput());
      const resumed = mergeOutputs(recorded);
      await deliver({ ...resumed, errors: [] });
      return resumed.errors;
    }

    const roleArn = `arn:aws:iam::${account.id}:role/${options.role}`;
    const credentials = assumedRole(sdk, management, roleArn, account.id, options.externalId, signal);
    try {
      this.count(account.id);
      await credentials();
    } catch (error) {
      rethrowAbort(error, signal);
      this.stats.failedAccounts++;
      const reason = describeAwsError(error, 'sts', 'AssumeRole');
      return [
        {
          message:
            `${label}: cannot assume ${roleArn}: ${reason}; this account was not scanned ` +
            '(deploy the scan role there: ecsguard deploy scan-role, and check its trust policy and external id)',
          operation: 'AssumeRole',
          resource: roleArn,
        },
      ];
    }

    const errors: ScanError[] = [];
    // In a function of its own: the discovery client is dropped once the regions are known, not kept (with the
    // account's whole scan) until its last region is done.
    const regions = await this.enabledRegions(sdk, credentials, agents, shared, account.id, label, errors, signal);
    if (!regions) return errors;

    const labelled = (e: ScanError): ScanError => ({ ...e, message: `${label}: ${e.message}` });
    const perRegion = await Promise.all(
      regions.map(async (region): Promise<ScanError[]> => {
        const resumed = await state?.recorded(account.id, region);
        if (resumed) {
          this.stats.resumedPairs++;
          await deliver({ ...resumed, errors: [] });
          return resumed.errors;
        }
        this.stats.pairs++;
        const source = new AwsLiveSource(
          {
            scope: options.scope,
            regions: [region],
            accountId: account.id,
            credentials,
            ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
            ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
            ...(options.maxConcurrency ? { maxConcurrency: options.maxConcurrency } : {}),
            ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
            sharedLimiter: shared,
            sharedStarts: starts,
            sharedAgents: agents,
            sharedEcs: ecs,
          },
          () => Promise.resolve(sdk),
        );
        const pairErrors: ScanError[] = [];
        // Streamed: each part is checked and dropped, so memory does not grow with the organization. With a state
        // file, the pair's definitions wait on disk (not in memory) until it is recorded.
        const pending = state?.pending(account.id, region);
        let failed = false;
        await source.loadInParts(signal, async (part) => {
          pairErrors.push(...part.errors);
          if (!part.definitions.length && !part.failures.length) return;
          if (part.failures.length) failed = true;
          const spilled = failed ? undefined : pending?.add(part.definitions);
          // An unread revision's error names its account first, as every error of an organization scan does.
          const failures = part.failures.map((f) => ({ ...f, error: labelled(f.error) }));
          await deliver({ ...part, failures, errors: [] });
          await spilled;
        });
        // A pair with errors or unread revisions is not recorded: a rerun scans it again.
        if (pending && pairErrors.length === 0 && !failed) await pending.commit();
        this.count(
          account.id,
          Object.values(source.stats.callsByOperation).reduce((a, b) => a + b, 0),
        );
        return pairErrors.map(labelled);
      }),
    );
    return [...errors, ...perRegion.flat()];
  }

  /** The regions to scan in an account (the named ones it has enabled); undefined when they cannot be known. */
  private async enabledRegions(
    sdk: AwsSdk,
    credentials: Credentials,
    agents: SharedAgents,
    shared: Limiter,
    accountId: string,
    label: string,
    errors: ScanError[],
    signal?: AbortSignal,
  ): Promise<string[] | undefined> {
    const { options } = this;
    const explicit = Array.isArray(options.regions) ? options.regions : undefined;
    const clients = new AwsClients(
      sdk,
      { ...connection(options, credentials), maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS },
      GLOBAL_REGION,
      { shared, agents },
    );
    try {
      this.count(accountId);
      const discovered = await discoverRegions(clients, signal);
      const enabled = new Set(discovered.enabled);
      if (!explicit) return discovered.enabled;
      for (const region of explicit.filter((r) => !enabled.has(r))) {
        errors.push({
          message: `${label}: region ${region} is not enabled for this account (an opt-in region); it was not scanned`,
          region,
          operation: 'ListRegions',
        });
      }
      return explicit.filter((region) => enabled.has(region));
    } catch (error) {
      rethrowAbort(error, signal);
      if (!explicit) {
        this.stats.failedAccounts++;
        errors.push({
          message: `${label}: ${describeAwsError(error, 'account', 'ListRegions')}; name the regions with --region instead`,
          operation: 'ListRegions',
        });
        return undefined;
      }
      // Without account:ListRegions the named regions are scanned; a disabled one fails there.
      return explicit;
    } finally {
      clients.destroy();
    }
  }
}

/**
 * Unread revisions in a fixed order (they arrive as their describes fail): the organization's account order, then
 * region, family and revision, so the report does not depend on timing.
 */
function inOrganizationOrder(failures: SourceFailure[], accounts: readonly OrganizationAccount[]): SourceFailure[] {
  const order = new Map(accounts.map((a, i) => [a.id, i]));
  const text = (a: string | undefined, b: string | undefined) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);
  return failures.sort(
    ({ resource: a }, { resource: b }) =>
      (order.get(a.accountId ?? '') ?? -1) - (order.get(b.accountId ?? '') ?? -1) ||
      text(a.region, b.region) ||
      text(a.family, b.family) ||
      (a.revision ?? 0) - (b.revision ?? 0) ||
      text(a.id, b.id),
  );
}

function connection(options: OrganizationScanOptions, credentials?: Credentials) {
  return {
    ...(credentials ? { credentials } : options.credentials ? { credentials: options.credentials } : {}),
    ...(credentials || !options.profile ? {} : { profile: options.profile }),
    ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
  };
}

/**
 * The scan role's credentials for one account: AssumeRole with a session name
 * that says ecsguard (CloudTrail shows who called), re-assumed five minutes
 * before they expire, one call at a time.
 */
function assumedRole(
  sdk: AwsSdk,
  management: AwsClients,
  roleArn: string,
  accountId: string,
  externalId: string | undefined,
  signal?: AbortSignal,
): () => Promise<Identity> {
  let current: Identity | undefined;
  let pending: Promise<Identity> | undefined;
  const assume = async (): Promise<Identity> => {
    const out = await management.sts(GLOBAL_REGION).send(
      new sdk.sts.AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: `ecsguard-org-scan-${accountId}`,
        DurationSeconds: 3600,
        ...(externalId ? { ExternalId: externalId } : {}),
      }),
      signal ? { abortSignal: signal } : {},
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: new Date(c.Expiration) } : {}),
    };
  };
  return async () => {
    if (current && (!current.expiration || current.expiration.getTime() - Date.now() > 300_000)) return current;
    pending ??= assume().finally(() => (pending = undefined));
    current = await pending;
    return current;
  };
}

function rethrowAbort(error: unknown, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? error;
  if (isAbort(error)) throw error;
}
