/**
 * The time a formation's pages show on the site (site.ts, `SiteInput.formationTimes`): the exam's data time at which
 * the formation's present content (a sha256 of everything its pages show) was first published. A formation whose
 * content is new or changed takes the exam's data time now; one whose content is the same keeps its time. So its
 * pages say truly how recent their data is (nothing they show changed since), and keep their bytes while it stays
 * the same. The hub keeps the times in its database (publisher.ts); this is the rule, on what was kept.
 */

/** A formation's content and the time it was first published at. */
export interface FormationTime {
  content: string;
  at: string;
}

/**
 * Each formation's time, given what is `kept` (formation → its last content and time), each formation's content now
 * and the exam's data time; `changed` is what to keep from now on for the formations whose content is new.
 */
export function formationTimes(kept: ReadonlyMap<string, FormationTime>, contents: ReadonlyMap<string, string>, dataAt: string): { times: Map<string, string>; changed: Map<string, FormationTime> } {
  const times = new Map<string, string>();
  const changed = new Map<string, FormationTime>();
  for (const [formation, content] of contents) {
    const was = kept.get(formation);
    if (was?.content === content) times.set(formation, was.at);
    else {
      changed.set(formation, { content, at: dataAt });
      times.set(formation, dataAt);
    }
  }
  return { times, changed };
}

/** The same rule over times kept in memory, for as long as the answer lives: a site written without a hub's database. */
export function formationTimesInMemory(): (exam: string, contents: ReadonlyMap<string, string>, dataAt: string | undefined) => ReadonlyMap<string, string> {
  const byExam = new Map<string, Map<string, FormationTime>>();
  return (exam, contents, dataAt) => {
    if (dataAt === undefined) return new Map();
    const kept = byExam.get(exam) ?? new Map<string, FormationTime>();
    byExam.set(exam, kept);
    const { times, changed } = formationTimes(kept, contents, dataAt);
    for (const [f, t] of changed) kept.set(f, t);
    return times;
  };
}
