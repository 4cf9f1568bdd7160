/**
 * macOS configuration profiles (XML property lists, written with @expo/plist):
 * - the managed preferences of our domain (com.apple.ManagedClient.preferences, "Forced"), which
 *   macOS stores in /Library/Managed Preferences where native/mac/managed.ts reads them;
 * - a Privacy Preferences Policy Control (PPPC) sample for the dial hot key's copy helper
 *   (native/mac/send-copy.js: System Events `keystroke "c" using command down`).
 * Payload UUIDs are derived from the payload identifiers, so the output is stable.
 */
import { createHash } from 'node:crypto';
import plist from '@expo/plist';
import { MAC_MANAGED_DOMAINS } from '../../native/mac/managed';
import { exampleValue, type PolicySetting } from './model';

export const BUNDLE_ID = MAC_MANAGED_DOMAINS[0];
/** Replaced by the admin with the Team ID of the signed app (`codesign -dr - /Applications/myApps.app`). */
export const TEAM_ID_PLACEHOLDER = 'REPLACE_WITH_TEAM_ID';
const ORGANISATION = 'innovaphone myApps client (sample)';

/** A stable UUID (version 5 layout) for an identifier. */
export function stableUuid(identifier: string): string {
  const h = createHash('sha1').update(`myapps-policy:${identifier}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex').toUpperCase();
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function payload(identifier: string, type: string, displayName: string, content: Record<string, unknown>): Record<string, unknown> {
  return { PayloadDisplayName: displayName, PayloadIdentifier: identifier, PayloadType: type, PayloadUUID: stableUuid(identifier), PayloadVersion: 1, ...content };
}

function profile(identifier: string, displayName: string, description: string, payloads: Record<string, unknown>[]): string {
  const top = {
    PayloadContent: payloads,
    PayloadDescription: description,
    PayloadDisplayName: displayName,
    PayloadIdentifier: identifier,
    PayloadOrganization: ORGANISATION,
    PayloadScope: 'System',
    PayloadType: 'Configuration',
    PayloadUUID: stableUuid(identifier),
    PayloadVersion: 1,
  };
  return `${plist.build(top)}\n`;
}

/** The settings as plist values: booleans, integers, strings, string arrays, dict arrays. */
export function macPreferences(policies: PolicySetting[]): Record<string, unknown> {
  return Object.fromEntries(policies.map((p) => [p.key, exampleValue(p.key, 'mac')]));
}

export function settingsProfile(policies: PolicySetting[]): string {
  const id = `${BUNDLE_ID}.policy.settings`;
  return profile(
    id,
    'myApps settings (sample)',
    `Managed preferences of ${BUNDLE_ID}: every setting the client reads, with example values. Remove the keys you do not want to manage.`,
    [
      payload(`${id}.preferences`, 'com.apple.ManagedClient.preferences', 'myApps managed preferences', {
        PayloadContent: { [BUNDLE_ID]: { Forced: [{ mcx_preference_settings: macPreferences(policies) }] } },
      }),
    ],
  );
}

/** Designated requirement of a Developer ID signed app (Apple's standard form). */
export function codeRequirement(bundleId: string, teamId = TEAM_ID_PLACEHOLDER): string {
  return `identifier "${bundleId}" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "${teamId}"`;
}

export function pppcProfile(): string {
  const id = `${BUNDLE_ID}.policy.pppc`;
  const app = { Identifier: BUNDLE_ID, IdentifierType: 'bundleID', CodeRequirement: codeRequirement(BUNDLE_ID), StaticCode: false };
  return profile(
    id,
    'myApps dial hot key permissions (sample)',
    `Allows ${BUNDLE_ID} to send the copy keystroke for the dial hot key (Accessibility, and Apple Events to System Events). Replace ${TEAM_ID_PLACEHOLDER} with the app's Team ID; install through MDM (user-approved or supervised).`,
    [
      payload(`${id}.tcc`, 'com.apple.TCC.configuration-profile-policy', 'myApps privacy preferences', {
        Services: {
          Accessibility: [{ ...app, Authorization: 'Allow', Comment: 'Dial hot key: send Cmd+C to the focused application (native/mac/send-copy.js).' }],
          AppleEvents: [
            {
              ...app,
              AEReceiverIdentifier: 'com.apple.systemevents',
              AEReceiverIdentifierType: 'bundleID',
              AEReceiverCodeRequirement: 'identifier "com.apple.systemevents" and anchor apple',
              Authorization: 'Allow',
              Comment: 'Dial hot key: the copy keystroke is sent through System Events.',
            },
          ],
        },
      }),
    ],
  );
}
