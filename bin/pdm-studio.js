#!/usr/bin/env node
// The installed entry: runs the compiled CLI (npm run build puts it in dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/main/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  process.stderr.write('pdm-studio: not built yet; run "npm run build" in the checkout first\n');
  process.exit(2);
}
await import(compiled.href);
