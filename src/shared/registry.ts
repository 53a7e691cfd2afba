import { z } from 'zod';

/**
 * The model registry as the app sees it (docs/registry-format.md): connection, models, versions, governance
 * actions. The name rules repeat src/main/core/registry/names.ts (shared code cannot import the core); a unit
 * test keeps the two equal.
 */
export const REGISTRY_MODEL_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const REGISTRY_VERSION_PATTERN = /^[1-9][0-9]{0,8}$/;
export const REGISTRY_USER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const REGISTRY_RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** What the registry server accepts after "Bearer " (src/main/core/registry/server.ts). */
export const REGISTRY_TOKEN_PATTERN = /^[A-Za-z0-9._~+/=-]{16,200}$/;

export { REGISTRY_STAGES, type RegistryStage } from './registry-stages.js';
import { REGISTRY_STAGES } from './registry-stages.js';
import { ManifestSchema } from './registry-manifest.js';
export const RegistryStageSchema = z.enum(REGISTRY_STAGES);

const noDots = (value: string) => !value.includes('..');

export const RegistryModelNameSchema = z
  .string()
  .regex(
    REGISTRY_MODEL_NAME_PATTERN,
    'lower-case letters, digits, ".", "_" or "-" (at most 64), starting with a letter or digit',
  )
  .refine(noDots, 'must not contain ".."');
export const RegistryVersionSchema = z.number().int().min(1).max(999_999_999);
export const RegistryUserNameSchema = z
  .string()
  .regex(REGISTRY_USER_NAME_PATTERN, 'letters, digits, ".", "_", "@" or "-" (at most 64)')
  .refine(noDots, 'must not contain ".."');
export const RegistryRunIdSchema = z
  .string()
  .regex(REGISTRY_RUN_ID_PATTERN, 'not a run id')
  .refine(noDots, 'not a run id');
export const RegistryTokenSchema = z
  .string()
  .regex(REGISTRY_TOKEN_PATTERN, 'not a registry token (16 to 200 characters, no spaces)');
export const RegistryReasonSchema = z.string().trim().max(2000);
export const RequiredReasonSchema = RegistryReasonSchema.min(
  1,
  'a reason is required (who, when and why are recorded)',
);

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export type RegistryLocation =
  | { readonly ok: true; readonly kind: 'folder' | 'server'; readonly location: string }
  | { readonly ok: false; readonly message: string };

/**
 * A registry location: an absolute folder path, or the URL of a registry server. Plain http only to this
 * machine (127.0.0.1): the bearer token must not cross a network in clear; https (a TLS proxy) anywhere.
 * URLs carry no credentials, query or path; the answer is the origin.
 */
export const parseRegistryLocation = (raw: string): RegistryLocation => {
  const text = raw.trim();
  if (text === '') return { ok: false, message: 'give a registry folder or a registry server URL' };
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { ok: false, message: `not a valid URL: ${text.slice(0, 100)}` };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return { ok: false, message: 'a registry server URL starts with http:// or https://' };
    if (url.username !== '' || url.password !== '')
      return { ok: false, message: 'put the token in the token field, not in the URL' };
    if (url.search !== '' || url.hash !== '' || (url.pathname !== '/' && url.pathname !== '')) {
      return { ok: false, message: 'give only the server address, e.g. http://127.0.0.1:8470' };
    }
    if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
      return {
        ok: false,
        message: 'plain http is allowed only to 127.0.0.1 (this machine); use https for a shared server',
      };
    }
    return { ok: true, kind: 'server', location: url.origin };
  }
  const absolute = text.startsWith('/') || /^[A-Za-z]:[\\/]/.test(text) || text.startsWith('\\\\');
  if (!absolute) return { ok: false, message: `a registry folder must be an absolute path: ${text.slice(0, 200)}` };
  return { ok: true, kind: 'folder', location: text };
};

export const RegistryLocationSchema = z
  .string()
  .max(4096)
  .superRefine((value, ctx) => {
    const parsed = parseRegistryLocation(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  });

/** The open registry: where, and who acts (the OS user for a folder, the token's user for a server). */
export const RegistryConnectionSchema = z.object({
  location: z.string(),
  kind: z.enum(['folder', 'server']),
  user: z.string(),
  /** The server role (viewer, author, approver, admin); null for a folder registry. */
  role: z.string().nullable(),
  /** Folder registries only: whether registry.json lets users act as another name. */
  allowAs: z.boolean(),
});
export type RegistryConnection = z.infer<typeof RegistryConnectionSchema>;

export const RegistryVersionSummarySchema = z.object({
  version: z.number(),
  stage: RegistryStageSchema,
  createdAt: z.string(),
  createdBy: z.string(),
  task: z.string(),
  modelType: z.string(),
  metrics: z.record(z.string(), z.number()),
});
export type RegistryVersionSummary = z.infer<typeof RegistryVersionSummarySchema>;

export const RegistryModelSchema = z.object({
  name: z.string(),
  production: z.number().nullable(),
  rollbackTarget: z.number().nullable(),
  versions: z.array(RegistryVersionSummarySchema).readonly(),
});
export type RegistryModel = z.infer<typeof RegistryModelSchema>;

/** manifest.json as the views read it: the registry's own schema (registry-manifest.ts). */
export const RegistryManifestSchema = ManifestSchema;
export type RegistryManifest = z.infer<typeof RegistryManifestSchema>;

export const RegistryVerifyProblemSchema = z.object({
  kind: z.enum(['audit', 'package']),
  message: z.string(),
  seq: z.number().nullable().optional(),
  model: z.string().optional(),
  version: z.number().optional(),
  file: z.string().optional(),
});

export const RegistryVerifyReportSchema = z.object({
  ok: z.boolean(),
  problems: z.array(RegistryVerifyProblemSchema).readonly(),
  checked: z.object({ entries: z.number(), packages: z.number(), files: z.number() }),
  head: z.object({ seq: z.number(), hash: z.string() }).nullable(),
  /** Facts that are not problems, e.g. how many entries are unsigned (legacy). */
  notes: z.array(z.string()).readonly().optional(),
});
export type RegistryVerifyReport = z.infer<typeof RegistryVerifyReportSchema>;

export const RegistryVersionDetailSchema = z.object({
  name: z.string(),
  version: z.number(),
  stage: RegistryStageSchema,
  production: z.number().nullable(),
  rollbackTarget: z.number().nullable(),
  manifest: RegistryManifestSchema,
  files: z.array(z.object({ name: z.string(), bytes: z.number(), sha256: z.string() })).readonly(),
  /** The registry's verify, reduced to this version's package and the audit log. */
  verification: z.object({
    ok: z.boolean(),
    problems: z.array(RegistryVerifyProblemSchema).readonly(),
    checkedAt: z.string(),
  }),
});
export type RegistryVersionDetail = z.infer<typeof RegistryVersionDetailSchema>;

export const RegistryGovernResultSchema = z.object({
  name: z.string(),
  version: z.number(),
  stage: RegistryStageSchema,
  production: z.number().nullable(),
  rollbackTarget: z.number().nullable(),
});
export type RegistryGovernResult = z.infer<typeof RegistryGovernResultSchema>;

export const RegistryVersionRefSchema = z.object({ name: RegistryModelNameSchema, version: RegistryVersionSchema });
