/**
 * Building a real MSI from our WiX sources with Debian's wixl (msitools) and reading its tables
 * back with msiinfo (test/e2e/msi-tables.e2e.test.ts, docs/packaging.md "MSI table check").
 *
 * The shipped MSI is built by electron-builder's WiX (4 preview, v3-style elements): its
 * generated project.wxs, merged with build/msi/managed-settings.wxs by the msiProjectCreated
 * hook. Here the same hook merges the same fragment into a small stand-in project of the same
 * shape; `toWixl` then makes only the changes wixl 0.101's smaller WiX subset needs, and reports
 * each one, so nothing is changed silently:
 * - the WiX v3 namespace (wixl does not know the v4 one);
 * - Property, CustomAction and sequence elements move from <Fragment> into <Product>, and the
 *   product's own <ComponentGroup> into a <Fragment> (wixl accepts them only there);
 * - <Condition> inside <Component> is dropped (wixl has no component conditions; they are checked
 *   in the source by scripts/packaging.test.ts), as is the Secure attribute (wixl has no
 *   SecureCustomProperties for properties);
 * - CDATA becomes plain text.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';

const run = promisify(execFile);

export const WIX_V4 = 'http://wixtoolset.org/schemas/v4/wxs';
export const WIX_V3 = 'http://schemas.microsoft.com/wix/2006/wi';
/** Children of <Product> that wixl does not accept in a <Fragment>. */
const PRODUCT_LEVEL = new Set(['Property', 'CustomAction', 'InstallExecuteSequence', 'InstallUISequence', 'AdminExecuteSequence', 'AdminUISequence', 'AdvertiseExecuteSequence', 'Binary']);

/**
 * A stand-in for electron-builder's generated project.wxs (templates/msi/template.xml shape: the
 * Product with the ProductComponents reference the hook anchors on), with one stand-in file.
 */
export function standInProject(p: { productName: string; version: string; upgradeCode: string; exe: string }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Wix xmlns="${WIX_V4}">
  <Product Id="*" Name="${p.productName}" UpgradeCode="${p.upgradeCode}" Version="${p.version}" Language="1033" Codepage="65001" Manufacturer="${p.productName}">
    <Package Compressed="yes" InstallerVersion="500"/>
    <Media Id="1" Cabinet="app.cab" EmbedCab="yes"/>
    <Property Id="ALLUSERS" Secure="yes" Value="1"/>
    <Property Id="MSIINSTALLPERUSER" Secure="yes" Value="1"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder">
        <Directory Id="APPLICATIONFOLDER" Name="${p.productName}"/>
      </Directory>
    </Directory>
    <Feature Id="ProductFeature" Absent="disallow">
      <ComponentGroupRef Id="ProductComponents"/>
    </Feature>
    <ComponentGroup Id="ProductComponents" Directory="APPLICATIONFOLDER">
      <Component Id="mainExecutableComponent" Guid="*">
        <File Name="${p.exe}" Source="${p.exe}" KeyPath="yes" Id="mainExecutable"/>
      </Component>
    </ComponentGroup>
  </Product>
</Wix>
`;
}

export interface WixlProject {
  text: string;
  /** Every change made for wixl, e.g. "dropped <Condition> in Component RegSERVER". */
  changes: string[];
}

export function toWixl(projectText: string): WixlProject {
  const errors: string[] = [];
  const src = new DOMParser({ errorHandler: { warning: (m: string) => errors.push(m), error: (m: string) => errors.push(m), fatalError: (m: string) => errors.push(m) } }).parseFromString(projectText, 'text/xml');
  if (errors.length) throw new Error(`project.wxs: ${errors.join('; ')}`);
  const root = src.documentElement;
  if (root.namespaceURI !== WIX_V4 || root.localName !== 'Wix') throw new Error(`project.wxs: root is not <Wix xmlns="${WIX_V4}">`);
  const out = new DOMParser().parseFromString(`<Wix xmlns="${WIX_V3}"/>`, 'text/xml');
  const changes: string[] = [`namespace ${WIX_V4} -> ${WIX_V3}`];
  const elements = (e: Element) => Array.from(e.childNodes).filter((n): n is Element => n.nodeType === 1);

  const copy = (from: Element, to: Element): void => {
    const e = out.createElementNS(WIX_V3, from.localName!);
    for (const a of Array.from(from.attributes)) {
      if (a.name === 'Secure') {
        changes.push(`dropped Secure="${a.value}" on ${from.localName} ${from.getAttribute('Id') ?? ''}`.trim());
        continue;
      }
      e.setAttribute(a.name, a.value);
    }
    for (const n of Array.from(from.childNodes)) {
      if (n.nodeType === 1) {
        const c = n as Element;
        if (c.localName === 'Condition' && from.localName === 'Component') {
          changes.push(`dropped <Condition>${c.textContent!.trim()}</Condition> in Component ${from.getAttribute('Id')}`);
          continue;
        }
        copy(c, e);
      } else if (n.nodeType === 3 || n.nodeType === 4) {
        if (n.nodeType === 4) changes.push(`CDATA -> text in ${from.localName} ${from.getAttribute('Action') ?? from.getAttribute('Id') ?? ''}`.trim());
        e.appendChild(out.createTextNode(n.nodeValue ?? ''));
      }
    }
    to.appendChild(e);
  };

  const product = elements(root).find((e) => e.localName === 'Product');
  if (!product) throw new Error('project.wxs: no <Product>');
  const outRoot = out.documentElement;
  // Product, minus its ComponentGroups, plus the Product-level children of the fragments.
  const productGroups = elements(product).filter((e) => e.localName === 'ComponentGroup');
  const productCopy = src.createElementNS(WIX_V4, 'Product');
  for (const a of Array.from(product.attributes)) productCopy.setAttribute(a.name, a.value);
  for (const c of elements(product)) if (c.localName !== 'ComponentGroup') productCopy.appendChild(c.cloneNode(true));
  const fragments = elements(root).filter((e) => e.localName === 'Fragment');
  for (const f of fragments) {
    for (const c of elements(f)) {
      if (!PRODUCT_LEVEL.has(c.localName!)) continue;
      productCopy.appendChild(c.cloneNode(true));
      changes.push(`moved <${c.localName}${c.getAttribute('Id') ? ` Id="${c.getAttribute('Id')}"` : ''}> from <Fragment> into <Product>`);
    }
  }
  copy(productCopy, outRoot);
  for (const g of productGroups) {
    const frag = out.createElementNS(WIX_V3, 'Fragment');
    outRoot.appendChild(frag);
    copy(g, frag);
    changes.push(`moved <ComponentGroup Id="${g.getAttribute('Id')}"> from <Product> into a <Fragment>`);
  }
  for (const f of fragments) {
    const frag = out.createElementNS(WIX_V3, 'Fragment');
    outRoot.appendChild(frag);
    for (const c of elements(f)) if (!PRODUCT_LEVEL.has(c.localName!)) copy(c, frag);
  }
  for (const other of elements(root)) if (other.localName !== 'Product' && other.localName !== 'Fragment') throw new Error(`project.wxs: unexpected <${other.localName}>`);
  return { text: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(out)}\n`, changes };
}

/** Build `<dir>/<name>.msi` from `<dir>/project.wxs` with wixl (x64); returns wixl's stderr. */
export async function wixl(dir: string, name: string): Promise<{ msi: string; stderr: string }> {
  const msi = path.join(dir, `${name}.msi`);
  const r = await run('/usr/bin/wixl', ['-a', 'x64', '-o', msi, 'project.wxs'], { cwd: dir, timeout: 60_000 });
  await fs.stat(msi);
  return { msi, stderr: r.stderr };
}

export type MsiRow = Record<string, string>;

/** One table of an MSI as rows keyed by column name (msiinfo export: names, types, key, rows; tab-separated). */
export async function msiTable(msi: string, table: string): Promise<MsiRow[]> {
  const { stdout } = await run('/usr/bin/msiinfo', ['export', msi, table], { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 });
  const lines = stdout.split('\r\n');
  const columns = lines[0]!.split('\t');
  if (lines[2]!.split('\t')[0] !== table) throw new Error(`msiinfo export ${table}: unexpected header ${JSON.stringify(lines.slice(0, 3))}`);
  return lines
    .slice(3)
    .filter((l) => l !== '')
    .map((l) => Object.fromEntries(l.split('\t').map((v, i) => [columns[i]!, v])));
}
