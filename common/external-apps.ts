/**
 * The fields of one external application: the published ones (innovaphone's MSI JSON `{id, name,
 * path, param}`; the configuration's Name, Path, Params and "Start with call acceptance"), with
 * `startOnAccept` as our JSON name for the last, which innovaphone has not published. In common/
 * (zod only) because the settings schema (common/settings/schema.ts, also bundled into the
 * launcher pages) validates the externalApps setting with it; electron/externalapps checks the
 * URL paths on top (config.ts).
 */
import { z } from 'zod';

export const ExternalAppSchema = z.object({
  id: z.union([z.number().int().nonnegative(), z.string().min(1).max(64)]),
  name: z.string().min(1).max(200),
  /** An absolute program path (never substituted), or an http(s) URL with $-variables after the host. */
  path: z.string().min(1).max(4096),
  /** Program arguments with $-variables; not used for URLs. */
  param: z.string().max(4096).default(''),
  /** "Start with call acceptance": start when the call is answered, not when it rings. */
  startOnAccept: z.boolean().default(false),
});
export const ExternalAppsSchema = z.array(ExternalAppSchema).max(50);
export type ExternalApp = z.infer<typeof ExternalAppSchema>;
