import { describe, expect, it } from 'vitest';
import { runSections } from '../bench/sections';

describe('npm run bench: its sections', () => {
  it('runs the sections after one that fails, and names the failure', async () => {
    const ran: string[] = [];
    const lines: string[] = [];
    const failed = await runSections(
      [
        { name: 'a', run: () => ran.push('a') },
        {
          name: 'startup',
          run: () => {
            throw new Error('status exited 1: the workstation is encrypted');
          },
        },
        { name: 'c', run: async () => ran.push('c') },
      ],
      undefined,
      (l) => lines.push(l),
    );
    expect(ran).toEqual(['a', 'c']);
    expect(failed).toEqual([{ name: 'startup', message: 'status exited 1: the workstation is encrypted' }]);
    expect(lines).toEqual(['\n## startup: FAILED, no figures: status exited 1: the workstation is encrypted']);
  });

  it('runs only the section asked for, and refuses a name that is no section', async () => {
    const ran: string[] = [];
    const sections = ['a', 'b', 'c'].map((name) => ({ name, run: () => ran.push(name) }));
    expect(await runSections(sections, 'b', () => {})).toEqual([]);
    expect(ran).toEqual(['b']);
    await expect(runSections(sections, 'startp', () => {})).rejects.toThrow('no bench section "startp": the sections are a, b, c');
    expect(ran).toEqual(['b']);
  });
});
