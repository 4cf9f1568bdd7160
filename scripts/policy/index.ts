/**
 * Admin templates generated from the settings schema (docs/admin.md): ADMX/ADML for Group
 * Policy, macOS configuration profiles, a Linux /etc sample. `npm run policy-templates` writes
 * them to build/policy/; scripts/policy-templates.test.ts fails when the checked-in files drift.
 */
import { adml, admx } from './admx';
import { pppcProfile, settingsProfile } from './apple';
import { exampleValue, policySettings } from './model';
import { LANGS } from './texts';

export { NOT_IN_TEMPLATES, exampleValue, policySettings, registryValue, type PolicySetting } from './model';

/** The Linux sample's file name (any *.json in /etc/innovaphone/myApps is read, in name order). */
export const LINUX_SAMPLE = 'linux/50-myapps.json';

/** Every generated file by its path under build/policy/. */
export function generatePolicyFiles(): Map<string, string> {
  const policies = policySettings();
  const files = new Map<string, string>();
  files.set('windows/myApps.admx', admx(policies));
  for (const lang of LANGS) files.set(`windows/${lang}/myApps.adml`, adml(policies, lang));
  files.set('macos/com.innovaphone.myapps.mobileconfig', settingsProfile(policies));
  files.set('macos/com.innovaphone.myapps.pppc.mobileconfig', pppcProfile());
  const linux = Object.fromEntries(policies.map((p) => [p.key, exampleValue(p.key, 'linux')]));
  files.set(LINUX_SAMPLE, `${JSON.stringify(linux, null, 2)}\n`);
  return files;
}
