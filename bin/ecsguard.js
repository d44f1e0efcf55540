#!/usr/bin/env node
// The AWS SDK's Node 20 end-of-support notice is for SDK integrators, not ecsguard users; the SDK is pinned by the lockfile.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A reader that stops early (`ecsguard scan | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

// The CLI runs from its bundle (dist/bundle/, made by `npm run build`: scripts/build-cli.mjs), split so that each
// command loads only its own code. `--version` alone needs no command parser: it is answered before loading one.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { TOOL_VERSION } = await import('../dist/bundle/version.js');
  process.stdout.write(`${TOOL_VERSION}\n`);
} else {
  const { main } = await import('../dist/bundle/main.js');
  process.exitCode = await main(args);
}
