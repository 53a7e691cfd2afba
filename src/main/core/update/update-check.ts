import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UpdateError } from './update-error.js';
import { feedFileName, parseFeed, pickInstaller, type InstallerKind } from './update-feed.js';
import { SIGNATURE_SUFFIX, verifyFeed } from './update-signature.js';
import { describeSource, locate, openSourceStream, readSourceFile, type UpdateSource } from './update-source.js';
import { compareVersions } from './version-order.js';

/*
 * The update check, in plain Node (the desktop app wires it to electron-updater in src/main/electron/updates.ts):
 *   1. read <feed>.yml and <feed>.yml.sig from the source; the signature must be this build's update key's
 *      signature of exactly those bytes, or nothing in the feed is believed;
 *   2. a newer version than ours, with an installer of the kind this copy was installed from;
 *   3. download it, and accept it only with the size and SHA-512 the signed feed states.
 */

export interface UpdateTarget {
  readonly currentVersion: string;
  readonly platform: NodeJS.Platform;
  readonly arch: string;
  readonly kind: InstallerKind;
  /** The Ed25519 public key (PEM) of dist/build-info.json; null: this build cannot verify updates. */
  readonly publicKey: string | null;
}

export interface VerifiedInstaller {
  readonly name: string;
  /** URL or path, for messages. */
  readonly location: string;
  readonly sha512: string;
  readonly size: number | null;
}

export type UpdateCheck =
  | { readonly status: 'up-to-date'; readonly current: string; readonly latest: string }
  | {
      readonly status: 'available';
      readonly current: string;
      readonly version: string;
      readonly releaseDate: string | null;
      readonly releaseNotes: string | null;
      readonly feed: string;
      readonly installer: VerifiedInstaller;
    };

const MAX_FEED_BYTES = 1 << 20;
const MAX_SIGNATURE_BYTES = 4096;

export const checkForUpdate = async (
  source: UpdateSource,
  target: UpdateTarget,
  options: { readonly timeoutMs?: number } = {},
): Promise<UpdateCheck> => {
  if (target.publicKey === null)
    throw new UpdateError(
      'no-key',
      'this build has no update-signing key, so it cannot verify updates: install new versions with the installer',
    );
  const feedName = feedFileName(target.platform, target.arch);
  const feedWhere = locate(source, feedName);
  const feedBytes = await readSourceFile(source, feedName, MAX_FEED_BYTES, options.timeoutMs);
  let signature: Buffer;
  try {
    signature = await readSourceFile(source, `${feedName}${SIGNATURE_SUFFIX}`, MAX_SIGNATURE_BYTES, options.timeoutMs);
  } catch (error) {
    if (error instanceof UpdateError && error.code === 'not-found')
      throw new UpdateError('unsigned', `${feedWhere} has no signature (${feedName}${SIGNATURE_SUFFIX}): refused`);
    throw error;
  }
  if (!verifyFeed(feedBytes, signature.toString('utf8'), target.publicKey))
    throw new UpdateError(
      'bad-signature',
      `${feedWhere} is not signed by this build's update key (changed after signing, or signed with another key): refused`,
    );
  const feed = parseFeed(feedBytes.toString('utf8'), feedWhere);
  let newer: boolean;
  try {
    newer = compareVersions(feed.version, target.currentVersion) > 0;
  } catch (error) {
    throw new UpdateError('bad-feed', `${feedWhere}: ${(error as Error).message}`);
  }
  if (!newer) return { status: 'up-to-date', current: target.currentVersion, latest: feed.version };
  const file = pickInstaller(feed, target.kind);
  if (file === null)
    throw new UpdateError(
      'no-installer',
      `${feedWhere} offers ${feed.version} but no ${target.kind} installer (files: ${feed.files.map((f) => f.url).join(', ')})`,
    );
  return {
    status: 'available',
    current: target.currentVersion,
    version: feed.version,
    releaseDate: feed.releaseDate ?? null,
    releaseNotes: typeof feed.releaseNotes === 'string' ? feed.releaseNotes : null,
    feed: feedWhere,
    installer: { name: file.url, location: locate(source, file.url), sha512: file.sha512, size: file.size ?? null },
  };
};

const mismatch = (file: string, expected: VerifiedInstaller, size: number, sha512: string): UpdateError | null => {
  if (expected.size !== null && size !== expected.size)
    return new UpdateError(
      'size-mismatch',
      `${file} has ${size} bytes, the signed feed says ${expected.size}: refused (incomplete or changed file)`,
    );
  if (sha512 !== expected.sha512)
    return new UpdateError(
      'hash-mismatch',
      `${file} does not match the SHA-512 in the signed feed: refused (the installer was changed or damaged)`,
    );
  return null;
};

/** Hash and count a stream into a file; stops as soon as it is longer than the signed size. */
const copyHashing = async (
  input: NodeJS.ReadableStream,
  output: string,
  expected: VerifiedInstaller,
  onProgress?: (bytes: number) => void,
) => {
  const hash = createHash('sha512');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (expected.size !== null && size > expected.size) {
        done(new UpdateError('size-mismatch', `${expected.location} is larger than the signed feed says: refused`));
        return;
      }
      hash.update(chunk);
      onProgress?.(size);
      done(null, chunk);
    },
  });
  await pipeline(input, meter, createWriteStream(output));
  return { size, sha512: hash.digest('base64') };
};

/** Download the installer of a verified check into `dir`; the file is there only once size and SHA-512 match. */
export const downloadUpdate = async (
  source: UpdateSource,
  check: Extract<UpdateCheck, { status: 'available' }>,
  dir: string,
  options: { readonly onProgress?: (bytes: number, total: number | null) => void; readonly timeoutMs?: number } = {},
): Promise<string> => {
  await mkdir(dir, { recursive: true });
  const file = join(dir, check.installer.name);
  const partial = `${file}.partial`;
  try {
    const input = await openSourceStream(source, check.installer.name, options.timeoutMs);
    const got = await copyHashing(input, partial, check.installer, (bytes) =>
      options.onProgress?.(bytes, check.installer.size),
    );
    const problem = mismatch(check.installer.location, check.installer, got.size, got.sha512);
    if (problem !== null) throw problem;
    await rename(partial, file);
    return file;
  } catch (error) {
    await rm(partial, { force: true });
    if (error instanceof UpdateError) throw error;
    throw new UpdateError(
      'unreachable',
      `downloading ${check.installer.location} from ${describeSource(source)} failed: ${(error as Error).message}`,
    );
  }
};

/** Check a file fetched by someone else (electron-updater's download) against the signed feed, before it installs. */
export const verifyInstallerFile = async (file: string, expected: VerifiedInstaller): Promise<void> => {
  const hash = createHash('sha512');
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    size += chunk.length;
    hash.update(chunk);
  }
  const problem = mismatch(file, expected, size, hash.digest('base64'));
  if (problem !== null) throw problem;
};
