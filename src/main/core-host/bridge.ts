import { z } from 'zod';
import type { SelectPath } from '../core/app/app-core.js';
import type { SecretCipher } from '../core/historians/secrets.js';
import type { PdfPrinter } from '../core/reports/pdf-printer.js';
import type { BridgeName } from './protocol.js';

/** What only the shell can do for the core: native dialogs, the OS file manager, the OS keychain. */
export interface ShellCallbacks {
  readonly selectPath?: SelectPath | undefined;
  readonly openPath?: ((path: string) => Promise<string>) | undefined;
  readonly secretCipher?: SecretCipher | undefined;
  readonly pdfPrinter?: (() => Promise<PdfPrinter>) | undefined;
}

/** A report to print: its HTML and the print options that cross the process boundary (no AbortSignal). */
export const PrintPdfRequest = z.object({
  html: z.string().max(64 * 1024 * 1024),
  paper: z.enum(['a4', 'letter']),
  headerTemplate: z.string().max(100_000),
  footerTemplate: z.string().max(100_000),
});

const SelectPathRequest = z.object({
  kind: z.enum(['directory', 'open-file', 'save-file']),
  title: z.string().optional(),
});

/**
 * The shell's answer to a host's bridge call, with the arguments checked first (the host asks; it is not
 * trusted to ask for a dialog kind or a path type that does not exist). A missing callback answers as the core
 * does without it.
 */
export const answerBridgeCall = async (
  callbacks: ShellCallbacks,
  name: BridgeName,
  args: unknown,
): Promise<unknown> => {
  switch (name) {
    case 'selectPath': {
      if (callbacks.selectPath === undefined) return { supported: false, paths: [] };
      return callbacks.selectPath(SelectPathRequest.parse(args));
    }
    case 'openPath':
      if (callbacks.openPath === undefined) return 'opening folders is not available here';
      return callbacks.openPath(z.string().min(1).parse(args));
    case 'encrypt':
    case 'decrypt': {
      const cipher = callbacks.secretCipher;
      if (cipher === undefined) throw new Error('no secret cipher in this app');
      const text = z.string().parse(args);
      return name === 'encrypt' ? cipher.encrypt(text) : cipher.decrypt(text);
    }
    case 'printPdf': {
      if (callbacks.pdfPrinter === undefined) throw new Error('this app cannot print reports to PDF itself');
      const { html, ...options } = PrintPdfRequest.parse(args);
      const printer = await callbacks.pdfPrinter();
      // Sent back as base64: the message channel carries structured JSON-like data both ways.
      return Buffer.from(await printer.print(html, options)).toString('base64');
    }
    default: {
      const never: never = name;
      throw new Error(`unknown bridge call ${String(never)}`);
    }
  }
};
