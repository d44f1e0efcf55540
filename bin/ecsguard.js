#!/usr/bin/env node
// The AWS SDK's Node 20 end-of-support notice is for SDK integrators, not ecsguard users; the SDK is pinned by the lockfile.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
