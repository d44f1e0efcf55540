import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatedAccount } from './account.js';
import { CONFIG_TARGET_PREFIX, runConfig } from './config-operations.js';
import { ECR_TARGET_PREFIX, type EmulatedEcr } from './ecr.js';
import { ECS_OPERATIONS } from './ecs-operations.js';
import { elbv2Xml } from './elbv2.js';
import { ApiError } from './errors.js';
import type { Faults, ServiceName } from './faults.js';
import type { EmulatedOrganization } from './organization.js';
import { ORGANIZATIONS_TARGET_PREFIX, runOrganizations } from './organizations-operations.js';
import { paginate } from './pagination.js';
import type { Json } from './state.js';

const ECS_TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';

/** One request the emulator answered, for assertions. */
export interface RecordedCall {
  service: ServiceName;
  operation: string;
  region: string;
  input: Json;
  /** `ok`, or the error type answered (`ThrottlingException`, …), or `dropped`. */
  outcome: string;
  /** The access key that signed the request (shows which credentials the client used). */
  accessKeyId: string;
  /** The account that answered (a member account for credentials from an organization AssumeRole). */
  accountId: string;
  at: number;
}

export interface ServerContext {
  account: EmulatedAccount;
  /** Present for the organization emulator: member accounts, Organizations and Config. */
  organization?: EmulatedOrganization;
  faults: Faults;
  calls: RecordedCall[];
  ecr?: EmulatedEcr;
}

export async function listen(context: ServerContext, port = 0): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    handle(context, request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** The request body as text (events, not the stream's async iterator: a tenth of the emulator's CPU per request). */
function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
    });
    request.on('end', () => {
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}

async function handle(context: ServerContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const text = await readBody(request);
  const { region, service: signedService, accessKeyId } = credentialScope(request.headers.authorization);
  const target = String(request.headers['x-amz-target'] ?? '');
  // Credentials from an organization AssumeRole select the member account; any other key is the emulator's account.
  const account = context.organization?.accountForAccessKey(accessKeyId) ?? context.account;
  const accountId = account.accountId;

  if (target.startsWith(ECS_TARGET_PREFIX)) {
    const operation = target.slice(ECS_TARGET_PREFIX.length);
    const input = parseJson(text);
    await answer(
      context,
      response,
      { service: 'ecs', operation, region, input, accessKeyId, accountId },
      () => runEcs(account, operation, region, input),
      ecsReply,
    );
  } else if (target.startsWith(ORGANIZATIONS_TARGET_PREFIX)) {
    const operation = target.slice(ORGANIZATIONS_TARGET_PREFIX.length);
    const input = parseJson(text);
    await answer(
      context,
      response,
      { service: 'organizations', operation, region, input, accessKeyId, accountId },
      () => runOrganizations(context.organization, account, operation, input),
      ecsReply,
    );
  } else if (target.startsWith(CONFIG_TARGET_PREFIX)) {
    const operation = target.slice(CONFIG_TARGET_PREFIX.length);
    const input = parseJson(text);
    await answer(
      context,
      response,
      { service: 'config', operation, region, input, accessKeyId, accountId },
      () => runConfig(context.organization, account, region, operation, input),
      ecsReply,
    );
  } else if (target.startsWith(ECR_TARGET_PREFIX) && context.ecr) {
    const { ecr } = context;
    const operation = target.slice(ECR_TARGET_PREFIX.length);
    const input = parseJson(text);
    await answer(
      context,
      response,
      { service: 'ecr', operation, region, input, accessKeyId, accountId },
      () => ecr.run(operation, region, input),
      ecsReply,
    );
  } else if (request.url?.startsWith('/listRegions') || signedService === 'account') {
    const operation = request.url?.startsWith('/listRegions') ? 'ListRegions' : (request.url ?? '/').slice(1);
    const input = parseJson(text);
    await answer(
      context,
      response,
      { service: 'account', operation, region, input, accessKeyId, accountId },
      () => runAccount(account, operation, input),
      restJsonReply,
    );
  } else if (signedService === 'elasticloadbalancing') {
    const input = Object.fromEntries(new URLSearchParams(text)) as Json;
    const operation = String(input['Action'] ?? 'Unknown');
    const reply: Reply = (res, result) => {
      const { status, body } = elbv2Xml(operation, result, requestId());
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId() }).end(body);
    };
    await answer(
      context,
      response,
      { service: 'elasticloadbalancing', operation, region, input, accessKeyId, accountId },
      () => account.loadBalancing.run(region, operation, input),
      reply,
    );
  } else {
    const input = Object.fromEntries(new URLSearchParams(text)) as Json;
    const operation = String(input['Action'] ?? 'Unknown');
    await answer(
      context,
      response,
      { service: 'sts', operation, region, input, accessKeyId, accountId },
      () => runSts(context, account, operation, input),
      queryReply(operation),
    );
  }
}

type Reply = (response: ServerResponse, result: Json | ApiError) => void;

async function answer(
  context: ServerContext,
  response: ServerResponse,
  call: Omit<RecordedCall, 'outcome' | 'at'>,
  run: () => Json,
  reply: Reply,
): Promise<void> {
  const decision = context.faults.decide(call.service, call.operation, call.region, call.input, Date.now(), call.accountId);
  if (decision.latencyMs > 0) await sleep(decision.latencyMs);
  const record = (outcome: string) => context.calls.push({ ...call, outcome, at: Date.now() });
  if (decision.kind === 'drop') {
    record('dropped');
    response.socket?.destroy();
    return;
  }
  let result: Json | ApiError;
  if (decision.kind === 'error') result = decision.error;
  else {
    try {
      result = run();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      result = error;
    }
  }
  record(result instanceof ApiError ? result.type : 'ok');
  reply(response, result);
}

function runEcs(account: EmulatedAccount, operation: string, region: string, input: Json): Json {
  const handler = ECS_OPERATIONS[operation];
  if (!handler) throw new ApiError('UnknownOperationException', `The emulator does not implement ${operation}.`);
  if (account.disabledRegions.includes(region) || !account.regions.has(region)) {
    throw new ApiError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  return handler(account, account.region(region), input);
}

function runAccount(account: EmulatedAccount, operation: string, input: Json): Json {
  if (operation !== 'ListRegions')
    throw new ApiError('UnknownOperationException', `The emulator does not implement account ${operation}.`, 404);
  const wanted = Array.isArray(input['RegionOptStatusContains']) ? (input['RegionOptStatusContains'] as string[]) : undefined;
  const regions = [
    ...[...account.regions.keys()].map((name) => ({ RegionName: name, RegionOptStatus: 'ENABLED_BY_DEFAULT' })),
    ...account.disabledRegions.map((name) => ({ RegionName: name, RegionOptStatus: 'DISABLED' })),
  ]
    .filter((r) => !wanted || wanted.includes(r.RegionOptStatus))
    .sort((a, b) => a.RegionName.localeCompare(b.RegionName));
  const { page, nextToken } = paginate(regions, { maxResults: input['MaxResults'], nextToken: input['NextToken'] }, 'ListRegions', 50);
  return { Regions: page, ...(nextToken ? { NextToken: nextToken } : {}) };
}

function runSts(context: ServerContext, account: EmulatedAccount, operation: string, input: Json): Json {
  if (operation === 'GetCallerIdentity') {
    return { Arn: account.callerArn, UserId: 'AIDAECSGUARDTEST', Account: account.accountId };
  }
  if (operation === 'AssumeRole' && context.organization) return context.organization.assumeRole(input);
  if (operation === 'AssumeRole') {
    const roleArn = String(input['RoleArn'] ?? '');
    const session = String(input['RoleSessionName'] ?? 'session');
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    return {
      Credentials: {
        AccessKeyId: 'ASIAASSUMEDROLE',
        SecretAccessKey: 'assumed-secret',
        SessionToken: 'assumed-token',
        Expiration: new Date(Date.now() + 3_600_000).toISOString(),
      },
      AssumedRoleUser: {
        Arn: `arn:aws:sts::${context.account.accountId}:assumed-role/${roleName}/${session}`,
        AssumedRoleId: `AROAECSGUARD:${session}`,
      },
    };
  }
  throw new ApiError('InvalidAction', `The emulator does not implement sts ${operation}.`);
}

const ecsReply: Reply = (response, result) => {
  const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId() };
  if (result instanceof ApiError) {
    response.writeHead(result.status, headers).end(JSON.stringify({ __type: result.type, message: result.message }));
  } else response.writeHead(200, headers).end(JSON.stringify(result));
};

const restJsonReply: Reply = (response, result) => {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-requestid': requestId() };
  if (result instanceof ApiError) {
    const status = result.type === 'AccessDeniedException' ? 403 : result.status;
    response.writeHead(status, { ...headers, 'x-amzn-errortype': result.type }).end(JSON.stringify({ message: result.message }));
  } else response.writeHead(200, headers).end(JSON.stringify(result));
};

function queryReply(operation: string): Reply {
  return (response, result) => {
    const headers = { 'content-type': 'text/xml', 'x-amzn-requestid': requestId() };
    if (result instanceof ApiError) {
      const code = result.type === 'AccessDeniedException' ? 'AccessDenied' : result.type;
      const status = code === 'AccessDenied' ? 403 : result.status;
      response
        .writeHead(status, headers)
        .end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>${xml(code)}</Code><Message>${xml(result.message)}</Message>` +
            `</Error><RequestId>${requestId()}</RequestId></ErrorResponse>`,
        );
      return;
    }
    response
      .writeHead(200, headers)
      .end(
        `<${operation}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">` +
          `<${operation}Result>${toXml(result)}</${operation}Result>` +
          `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${operation}Response>`,
      );
  };
}

function toXml(value: Json): string {
  return Object.entries(value)
    .map(([key, v]) => `<${key}>${typeof v === 'object' && v !== null ? toXml(v as Json) : xml(String(v))}</${key}>`)
    .join('');
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The region and service from SigV4's credential scope: `Credential=AKID/20260101/us-east-1/ecs/aws4_request`. */
function credentialScope(authorization: string | undefined): { region: string; service: string; accessKeyId: string } {
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  return { accessKeyId: match?.[1] ?? '', region: match?.[2] ?? 'unsigned', service: match?.[3] ?? '' };
}

function parseJson(text: string): Json {
  if (text.trim() === '') return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Json) : {};
  } catch {
    return {};
  }
}

let requestCounter = 0;
function requestId(): string {
  requestCounter++;
  return `00000000-0000-4000-8000-${requestCounter.toString(16).padStart(12, '0')}`;
}
