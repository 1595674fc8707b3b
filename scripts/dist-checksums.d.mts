export declare const INSTALLER: RegExp;
/** electron-builder's afterAllArtifactBuild hook: SHA256SUMS of the installers in `outDir`, returned as a path. */
export declare function afterAllArtifactBuild(result: { outDir: string; artifactPaths: string[] }): Promise<string[]>;
export default afterAllArtifactBuild;
