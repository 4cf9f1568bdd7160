/** External applications configuration: settings list and the MSI EXTERNALAPPS JSON (fields: common/external-apps.ts). */
import { ExternalAppSchema, type ExternalApp } from '../../common/external-apps';
import { isUrlPath, urlTemplateError } from './substitute';

export { ExternalAppSchema, ExternalAppsSchema, type ExternalApp } from '../../common/external-apps';

export interface ParsedApps {
  apps: ExternalApp[];
  warnings: string[];
}

/** Validate a list; bad entries are dropped with a warning each, good ones kept. */
export function validateApps(list: unknown): ParsedApps {
  const warnings: string[] = [];
  const apps: ExternalApp[] = [];
  if (!Array.isArray(list)) return { apps, warnings: ['externalApps is not a list'] };
  if (list.length > 50) warnings.push(`only the first 50 of ${list.length} external apps are used`);
  list.slice(0, 50).forEach((item, i) => {
    const r = ExternalAppSchema.safeParse(item);
    if (!r.success) {
      warnings.push(`external app #${i} ignored: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
      return;
    }
    if (apps.some((a) => String(a.id) === String(r.data.id))) {
      warnings.push(`external app #${i} ignored: duplicate id ${String(r.data.id)}`);
      return;
    }
    if (isUrlPath(r.data.path)) {
      const bad = urlTemplateError(r.data.path);
      if (bad) {
        warnings.push(`external app #${i} ignored: ${bad}`);
        return;
      }
      if (r.data.param.trim()) warnings.push(`external app #${i}: param is not used for a URL (put variables into the URL)`);
    }
    apps.push(r.data);
  });
  return { apps, warnings };
}

/**
 * Parse the MSI EXTERNALAPPS value: `{"externalApps":[{"id":0,"name":…,"path":…,"param":…}]}`.
 * MSI doubles quotes ("" inside the property); both forms are accepted. Malformed → no apps + warning.
 */
export function parseExternalAppsJson(text: string | undefined): ParsedApps {
  if (text === undefined || text.trim() === '') return { apps: [], warnings: [] };
  const attempts = [text, text.replace(/""/g, '"')];
  let lastErr = '';
  for (const t of attempts) {
    try {
      const j = JSON.parse(t.trim().replace(/^"(.*)"$/s, '$1')) as unknown;
      if (!j || typeof j !== 'object' || !('externalApps' in j)) return { apps: [], warnings: ['EXTERNALAPPS ignored: no "externalApps" list'] };
      return validateApps((j as { externalApps: unknown }).externalApps);
    } catch (err) {
      lastErr = err instanceof Error ? err.message : String(err);
    }
  }
  return { apps: [], warnings: [`EXTERNALAPPS ignored: malformed JSON (${lastErr})`] };
}
