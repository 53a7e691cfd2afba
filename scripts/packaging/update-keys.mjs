#!/usr/bin/env node
// `npm run update-keys -- <folder>`: a new Ed25519 key pair for signing updates, once per organisation.
//   update-signing-key.pem  private: keep it with the release manager (PDM_UPDATE_SIGNING_KEY_FILE), never on the share
//   update-public-key.pem   public: PDM_UPDATE_PUBLIC_KEY_FILE when building, baked into every installed app
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const folder = process.argv[2];
if (folder === undefined) {
  process.stderr.write('update-keys: name the folder for the key pair: npm run update-keys -- <folder>\n');
  process.exit(2);
}
const dir = resolve(folder);
const privateFile = join(dir, 'update-signing-key.pem');
const publicFile = join(dir, 'update-public-key.pem');
if (existsSync(privateFile) || existsSync(publicFile)) {
  process.stderr.write(`update-keys: ${dir} already holds a key pair; not overwritten\n`);
  process.exit(1);
}
mkdirSync(dir, { recursive: true });
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }));
process.stdout.write(`update-keys: ${privateFile} (keep private) and ${publicFile}\n`);
