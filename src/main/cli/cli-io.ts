import { resolve } from 'node:path';
import { Workspace } from '../core/workspace/workspace.js';

/** With --json the last stdout line is one JSON object; otherwise a line for people. */
export const printResult = (json: boolean, value: unknown, text: string): void => {
  process.stdout.write(`${json ? JSON.stringify(value) : text}\n`);
};

/** Open the workspace named by --workspace for one command, and close it whatever happens. */
export const withWorkspace = async <T>(dir: string | undefined, work: (w: Workspace) => Promise<T>): Promise<T> => {
  if (dir === undefined) throw new Error('--workspace <dir> is required');
  const workspace = await Workspace.open(resolve(dir));
  try {
    return await work(workspace);
  } finally {
    workspace.close();
  }
};
