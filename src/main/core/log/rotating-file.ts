import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RotationPolicy {
  /** Rotate when the current file would grow past this size. */
  readonly maxBytes: number;
  /** Files kept in all: the current one plus `maxFiles - 1` older ones (file.1 newest ... file.N-1 oldest). */
  readonly maxFiles: number;
}

export const DEFAULT_ROTATION: RotationPolicy = { maxBytes: 5 * 1024 * 1024, maxFiles: 5 };

/**
 * Append-only text file with size-based rotation. Writes are synchronous so that the line about a crash is on
 * disk before the process goes down, and lines of one process never interleave. A failing disk never throws:
 * logging must not take the app down.
 */
export class RotatingFile {
  private size: number | null = null;

  constructor(
    readonly file: string,
    private readonly policy: RotationPolicy = DEFAULT_ROTATION,
  ) {}

  append(text: string): boolean {
    try {
      if (this.size === null) {
        mkdirSync(dirname(this.file), { recursive: true });
        this.size = fileSize(this.file);
      }
      const bytes = Buffer.byteLength(text);
      if (this.size > 0 && this.size + bytes > this.policy.maxBytes) this.rotate();
      appendFileSync(this.file, text, 'utf8');
      this.size += bytes;
      return true;
    } catch {
      this.size = null;
      return false;
    }
  }

  /** All files of this log, newest first (the current one, then .1, .2, ...). */
  files(): string[] {
    return [this.file, ...Array.from({ length: this.policy.maxFiles - 1 }, (_, i) => `${this.file}.${i + 1}`)];
  }

  private rotate(): void {
    const files = this.files();
    rmSync(files[files.length - 1] as string, { force: true });
    for (let i = files.length - 2; i >= 0; i -= 1) {
      try {
        renameSync(files[i] as string, files[i + 1] as string);
      } catch {
        // a gap in the sequence (deleted by hand): nothing to move
      }
    }
    this.size = 0;
  }
}

const fileSize = (file: string): number => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};
