import i18next, { type TFunction } from 'i18next';
import en from '../../src-renderer/i18n/en.json';
import id from '../../src-renderer/i18n/id.json';

/** The renderer's translation function for a language, on the real id/en resources (no React needed). */
export async function translator(lng: 'id' | 'en'): Promise<TFunction> {
  const i = i18next.createInstance();
  await i.init({ resources: { id: { translation: id }, en: { translation: en } }, lng, fallbackLng: 'id', interpolation: { escapeValue: false } });
  return i.t.bind(i) as TFunction;
}
