/** A whole scan in a fresh process (node start, SDK load, scan, checks): the fair match for one `aws` CLI process per call. */
import { CHECKS } from '../src/checks/catalogue.js';
import { scan } from '../src/engine/scan.js';
import { AwsLiveSource } from '../src/sources/aws/live-source.js';

const [endpoint, region = 'us-east-1'] = process.argv.slice(2);
if (!endpoint) throw new Error('usage: aws-cold-scan.ts <endpoint> [region]');
const source = new AwsLiveSource({ scope: 'active', regions: [region], endpointUrl: endpoint });
const result = await scan({ paths: [], checks: CHECKS, liveSources: [source] });
process.stdout.write(JSON.stringify({ taskDefinitions: result.summary.taskDefinitions, errors: result.errors.length }));
