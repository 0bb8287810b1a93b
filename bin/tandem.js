#!/usr/bin/env node
// `npx tandem …`: the ops CLI (ops/cli/main.ts), run through tsx (a dev dependency of this
// repository) so it needs no build step. tsx is resolved from here, not from the caller's folder.
'use strict';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
const { main } = require('../ops/cli/main.ts');
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
