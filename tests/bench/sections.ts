/**
 * The bench's sections run one after another. A section that throws (a command it runs changed, a tool is missing)
 * is reported and the others still run: a full run takes 20 minutes and more, and its figures are saved at the end,
 * so one broken section must not cost the others' figures.
 */
export interface Section {
  name: string;
  run: () => unknown;
}

export interface SectionFailure {
  name: string;
  message: string;
}

/** Runs the sections named `only` (all when undefined); gives the ones that failed, each already printed. */
export async function runSections(sections: readonly Section[], only: string | undefined, log: (line: string) => void = console.log): Promise<SectionFailure[]> {
  if (only !== undefined && !sections.some((s) => s.name === only)) {
    throw new Error(`no bench section "${only}": the sections are ${sections.map((s) => s.name).join(', ')}`);
  }
  const failed: SectionFailure[] = [];
  for (const s of sections) {
    if (only !== undefined && s.name !== only) continue;
    try {
      await s.run();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      failed.push({ name: s.name, message });
      log(`\n## ${s.name}: FAILED, no figures: ${message}`);
    }
  }
  return failed;
}
