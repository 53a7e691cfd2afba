import { z } from 'zod';
import { ApiErrorSchema, ApiEventSchema } from '../../shared/api.js';

/*
 * The messages between a shell process (Electron main, browser-mode server) and the core host process that owns
 * the workspace. One protocol for both ways of starting the host (Electron's utilityProcess, Node's
 * child_process.fork). Each side validates what it receives: a message that does not fit is a bug on the other
 * side, reported as such, never acted on.
 */

/** Callbacks only the shell can answer (native dialogs, the OS file manager, the OS keychain, Electron's printToPDF). */
export const BridgeNameSchema = z.enum(['selectPath', 'openPath', 'encrypt', 'decrypt', 'printPdf']);
export type BridgeName = z.infer<typeof BridgeNameSchema>;

/** What the core is started with: the serialisable part of AppCoreOptions plus which callbacks the shell offers. */
export const HostInitSchema = z.object({
  userDataDir: z.string().min(1),
  shell: z.enum(['electron', 'web']),
  workspace: z.string().min(1).optional(),
  bridged: z.object({
    selectPath: z.boolean(),
    openPath: z.boolean(),
    /** The shell prints reports to PDF itself (Electron's printToPDF); without it the host finds a browser. */
    pdfPrinter: z.boolean().optional(),
    /** The kind of the shell's secret cipher, or null: the host uses the user data folder's file key. */
    secretCipher: z.enum(['os-keychain', 'file-key']).nullable(),
  }),
});
export type HostInit = z.infer<typeof HostInitSchema>;

const DispatchResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorSchema }),
]);

/** Shell -> host. */
export const ToHostSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('init'), init: HostInitSchema }),
  z.object({ kind: z.literal('call'), id: z.number().int(), method: z.string(), input: z.unknown() }),
  z.object({
    kind: z.literal('bridge-reply'),
    id: z.number().int(),
    ok: z.boolean(),
    value: z.unknown(),
    message: z.string().optional(),
  }),
  /** Close the workspace cleanly (checkpointed, no WAL left), answer 'closed', exit. */
  z.object({ kind: z.literal('shutdown') }),
]);
export type ToHost = z.infer<typeof ToHostSchema>;

/** Host -> shell. */
export const FromHostSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ready'), pid: z.number().int() }),
  z.object({ kind: z.literal('init-failed'), message: z.string() }),
  z.object({ kind: z.literal('reply'), id: z.number().int(), reply: DispatchResultSchema }),
  z.object({ kind: z.literal('event'), event: ApiEventSchema }),
  z.object({ kind: z.literal('bridge-call'), id: z.number().int(), name: BridgeNameSchema, args: z.unknown() }),
  z.object({ kind: z.literal('closed') }),
]);
export type FromHost = z.infer<typeof FromHostSchema>;

/** A received message, or a sentence saying why it is not one (for the log). */
export const parseMessage = <T>(
  schema: z.ZodType<T>,
  raw: unknown,
  from: string,
): { readonly ok: true; readonly message: T } | { readonly ok: false; readonly problem: string } => {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const where = issue !== undefined && issue.path.length > 0 ? issue.path.join('.') : 'message';
  return { ok: false, problem: `malformed message from the ${from}: ${where}: ${issue?.message ?? 'invalid'}` };
};
