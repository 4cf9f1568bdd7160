/**
 * electron-builder `msiProjectCreated` hook: merges build/msi/managed-settings.wxs (public MSI
 * properties written to the registry, URL protocol capabilities) into the generated project.wxs.
 * Exported pieces are unit-tested (build/hooks/msi.test.ts); see docs/msi-properties.md.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const FRAGMENT_FILE = path.join(__dirname, '..', 'msi', 'managed-settings.wxs');
const GROUP_REF = '<ComponentGroupRef Id="MyAppsManagedSettings"/>';

/** The <Fragment> elements of the fragment file. */
function fragments(text) {
  const found = text.replace(/<!--[\s\S]*?-->/g, '').match(/<Fragment>[\s\S]*?<\/Fragment>/g);
  if (!found || found.length === 0) throw new Error('managed-settings.wxs: no <Fragment>');
  return found.join('\n');
}

/** Merge the fragments into a project.wxs text; refuses a project of unexpected shape. */
function mergeProject(project, fragmentText) {
  if (project.includes(GROUP_REF)) return project; // already merged
  const anchor = '<ComponentGroupRef Id="ProductComponents"/>';
  if (!project.includes(anchor)) throw new Error('project.wxs: ProductComponents reference not found (electron-builder template changed?)');
  if (!project.includes('</Wix>')) throw new Error('project.wxs: no </Wix>');
  const frag = fragments(fragmentText);
  // Function replacers: the inserted text is taken literally (no $-patterns).
  return project.replace(anchor, () => `${anchor}\n      ${GROUP_REF}`).replace(/<\/Wix>\s*$/, () => `${frag}\n</Wix>\n`);
}

async function msiProjectCreated(projectFile) {
  const project = fs.readFileSync(projectFile, 'utf8');
  const merged = mergeProject(project, fs.readFileSync(FRAGMENT_FILE, 'utf8'));
  fs.writeFileSync(projectFile, merged);
}

module.exports = msiProjectCreated;
module.exports.default = msiProjectCreated;
module.exports.mergeProject = mergeProject;
module.exports.FRAGMENT_FILE = FRAGMENT_FILE;
