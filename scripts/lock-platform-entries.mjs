#!/usr/bin/env node
// The npm registry mirror this project is developed against serves DuckDB's native bindings for linux-x64 only,
// so `npm install` leaves the other platforms' optional packages out of package-lock.json, and `npm ci` then
// refuses the lock ("Missing: @duckdb/node-bindings-darwin-arm64@ from lock file"). This restores their entries
// (version, os, cpu, libc; no tarball needed: npm skips optional packages of other platforms).
// Run after any dependency change: node scripts/lock-platform-entries.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const platform = (name) => {
  const m = /-(darwin|linux|win32)-(x64|arm64)(-musl)?$/.exec(name);
  if (!m) return null;
  const entry = { os: [m[1]], cpu: [m[2]] };
  if (m[1] === 'linux') entry.libc = [m[3] ? 'musl' : 'glibc'];
  return entry;
};
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  if (!path.startsWith('node_modules/@duckdb/node-bindings') || !entry.optionalDependencies) continue;
  for (const [name, version] of Object.entries(entry.optionalDependencies)) {
    const key = `node_modules/${name}`;
    const p = platform(name);
    if (lock.packages[key] !== undefined || p === null) continue;
    lock.packages[key] = { version, ...p, license: 'MIT', optional: true };
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(lockPath, `${JSON.stringify({ ...lock, packages: sorted }, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform entries added`);
