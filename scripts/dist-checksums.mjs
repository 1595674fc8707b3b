// electron-builder's afterAllArtifactBuild hook (electron-builder.yml): writes SHA256SUMS beside the installers, in
// the format `sha256sum -c` reads, and hands it back to electron-builder as one more artifact to publish. A venue
// checks the installer it downloaded against the sums published on the agency's site (docs/desktop.md).
import { createHash } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The files a venue installs: the installers, not electron-builder's update metadata or block maps. */
export const INSTALLER = /\.(exe|msi|AppImage|deb|rpm|dmg|pkg|zip)$/;

async function sha256(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

export async function afterAllArtifactBuild(result) {
  const installers = result.artifactPaths.filter((p) => INSTALLER.test(p)).sort((a, b) => basename(a).localeCompare(basename(b)));
  if (!installers.length) return [];
  const lines = [];
  for (const file of installers) lines.push(`${await sha256(file)}  ${basename(file)}`);
  const sums = join(result.outDir, 'SHA256SUMS');
  writeFileSync(sums, `${lines.join('\n')}\n`);
  console.log(`  • SHA256SUMS of ${installers.length} installer(s)  file=${sums}`);
  return [sums];
}

export default afterAllArtifactBuild;
