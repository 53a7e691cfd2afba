/**
 * The PyTorch peer of the FD001 benches (bench/peers/cmapss_torch.py), run the way both benches need it:
 * single-threaded unless told otherwise, with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment
 * (where a machine sets them they pin OpenBLAS to a slower kernel); the peer prints the kernel and threads it ran with.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './util.js';

export type PeerArch = 'dense' | 'cnn1d' | 'lstm';

export interface PeerRequest {
  readonly python: string;
  readonly data: string;
  readonly arch: PeerArch;
  readonly epochs: number;
  readonly seed: number;
  /** Stop after this many epochs without a better validation loss; 0: run every epoch. */
  readonly patience?: number;
  /** Members trained side by side, the prediction their mean. */
  readonly members?: number;
  /** The dataset's inputs: smoothing rates (0.3 by default) and the age in life (off by default). */
  readonly rates?: readonly number[];
  readonly age?: boolean;
  /** Cycles of each engine's baseline for the change inputs (none by default). */
  readonly baseline?: number | null;
  /** Hidden widths of the dense model (64, 32 by default). */
  readonly units?: readonly number[];
}

/** Ours minus the two variables that can pin OpenBLAS to a slower kernel. */
const peerEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env['OPENBLAS_CORETYPE'];
  delete env['OPENBLAS_L2_SIZE'];
  return env;
};

/** The peer's JSON line, or null (with the reason on stderr) where PyTorch cannot run. */
export const runCmapssPeer = async (request: PeerRequest): Promise<Record<string, unknown> | null> => {
  const args = [
    join(repoRoot, 'bench', 'peers', 'cmapss_torch.py'),
    request.data,
    String(request.epochs),
    String(request.seed),
    request.arch,
    '1',
    String(request.patience ?? 0),
    String(request.members ?? 1),
    (request.rates ?? [0.3]).join(','),
    request.age === true ? '1' : '0',
    (request.units ?? [64, 32]).join(','),
    String(request.baseline ?? 0),
  ];
  try {
    const { stdout } = await promisify(execFile)(request.python, args, { maxBuffer: 1 << 20, env: peerEnv() });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
  } catch (error) {
    process.stderr.write(
      `PyTorch peer skipped: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`,
    );
    return null;
  }
};
