import fc from 'fast-check';
import i18next, { type TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../../src-renderer/i18n/en.json';
import id from '../../src-renderer/i18n/id.json';
import { filler } from '../../src-renderer/i18n/filler';
import { translator } from './i18n';

describe('filler: a text looked up once and filled many times', () => {
  it('gives what t gives for the formation label, in both languages, whatever the values', async () => {
    for (const lng of ['id', 'en'] as const) {
      const t = await translator(lng);
      const label = filler(t, 'results.formationOption');
      fc.assert(
        fc.property(fc.string(), fc.string(), fc.string(), fc.nat(), (code, position, unit, quota) => {
          const vars = { code, position, unit, quota };
          expect(label(vars)).toBe(t('results.formationOption', vars));
        }),
      );
    }
  });

  it('leaves a text with a formatter or a nesting to t', async () => {
    const i = i18next.createInstance();
    await i.init({
      lng: 'id',
      resources: { id: { translation: { ...id, money: 'Rp {{amount, number}} untuk {{who}}', nested: '$t(common.loading) {{who}}', plain: '{{who}} dan {{ who }}' } }, en: { translation: en } },
      interpolation: { escapeValue: false },
    });
    const t = i.t.bind(i) as TFunction;
    expect(filler(t, 'money')({ amount: 1234567, who: 'A' })).toBe(t('money', { amount: 1234567, who: 'A' }));
    expect(filler(t, 'money')({ amount: 1234567, who: 'A' })).toContain('1.234.567');
    expect(filler(t, 'nested')({ who: 'B' })).toBe(t('nested', { who: 'B' }));
    expect(filler(t, 'plain')({ who: 'C' })).toBe('C dan C');
  });
});
