import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RUN_ARTIFACT_FILE, RunArtifactSchema } from '../../../shared/run-artifact.js';
import { RegistryError } from './errors.js';
import { sha256 } from './hash.js';
import { keyIdOf, signRunHash, verifyRunHash, type SigningKey } from './keys.js';
import { sameUser } from './names.js';

/**
 * A signed run record: `run.sig` beside `run.json`, made by the trainer's key over the SHA-256 of run.json.
 * It is what the registry takes the trainer's identity from (the four-eyes rule bars the trainer from
 * approving): `createdBy` in run.json is a plain field anyone can edit before publishing, a signature is not.
 * The file travels inside the package, so the trainer of record can be re-checked later.
 */
export const RUN_SIGNATURE_FILE = 'run.sig';

export const RunSignatureSchema = z.object({
  formatVersion: z.literal(1),
  signer: z.string(),
  keyId: z.string().regex(/^[0-9a-f]{64}$/),
  publicKey: z.string(),
  runSha256: z.string().regex(/^[0-9a-f]{64}$/),
  sig: z.string(),
});
export type RunSignature = z.infer<typeof RunSignatureSchema>;

/** Signs a run folder's run.json as its trainer; refused if run.json names someone else as the trainer. */
export const signRunRecord = async (runDir: string, key: SigningKey): Promise<RunSignature> => {
  const bytes = await readFile(join(runDir, RUN_ARTIFACT_FILE));
  const run = RunArtifactSchema.parse(JSON.parse(bytes.toString('utf8')));
  if (!sameUser(run.createdBy, key.principal))
    throw new RegistryError(
      'forbidden',
      `${RUN_ARTIFACT_FILE} in ${runDir} names ${run.createdBy} as the trainer; only ${run.createdBy} can sign it`,
    );
  const runSha256 = sha256(bytes);
  const signature: RunSignature = {
    formatVersion: 1,
    signer: key.principal,
    keyId: key.keyId,
    publicKey: key.publicKey,
    runSha256,
    sig: signRunHash(key, runSha256),
  };
  await writeFile(join(runDir, RUN_SIGNATURE_FILE), `${JSON.stringify(signature, null, 2)}\n`);
  return signature;
};

/**
 * The trainer of record of a run folder about to be published by `publisher`: the signer of a valid run.sig,
 * or, for an unsigned run, the publisher themself, and only if run.json names them (a login vouches for
 * its own name, never for someone else's). Everything else is refused in words.
 */
export const trainerOfRecord = async (
  dir: string,
  createdBy: string,
  publisher: string,
): Promise<{ trainedBy: string; signature: RunSignature | null }> => {
  let text: string;
  try {
    text = await readFile(join(dir, RUN_SIGNATURE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (sameUser(createdBy, publisher)) return { trainedBy: publisher, signature: null };
    throw new RegistryError(
      'forbidden',
      `${RUN_ARTIFACT_FILE} says ${createdBy} trained this run, but it is not signed, and only a signature can say who trained it: ` +
        `${createdBy} must sign it (pdm-studio registry sign-run --run-dir <run folder>) or publish it themself`,
    );
  }
  let signature: RunSignature;
  try {
    signature = RunSignatureSchema.parse(JSON.parse(text));
  } catch {
    throw new RegistryError('invalid-argument', `${RUN_SIGNATURE_FILE} is not a valid run signature`);
  }
  const runHash = sha256(await readFile(join(dir, RUN_ARTIFACT_FILE)));
  if (
    signature.runSha256 !== runHash ||
    keyIdOf(signature.publicKey) !== signature.keyId ||
    !verifyRunHash(signature.publicKey, runHash, signature.sig)
  )
    throw new RegistryError(
      'forbidden',
      `${RUN_ARTIFACT_FILE} was changed after ${signature.signer} signed it (${RUN_SIGNATURE_FILE}): refused; the trainer must sign the run again`,
    );
  if (!sameUser(signature.signer, createdBy))
    throw new RegistryError(
      'forbidden',
      `${RUN_ARTIFACT_FILE} names ${createdBy} as the trainer but is signed by ${signature.signer}: refused`,
    );
  return { trainedBy: signature.signer, signature };
};
