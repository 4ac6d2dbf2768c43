import { language } from './i18n.ts';

/** What the console knows of an office: `GET /forms` items and `GET /forms/{formId}` carry its display name. */
export interface OfficeNamed {
  office: string;
  officeName: { de: string; en: string };
}

/**
 * An office's display name in the current language, as the administration's stage file names it
 * (API.md, "Administrations and offices"); the id only for an office of which no form is on offer.
 */
export function officeLabel(forms: readonly OfficeNamed[], office: string): string {
  return forms.find((form) => form.office === office)?.officeName[language()] ?? office;
}
