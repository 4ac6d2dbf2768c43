/**
 * The display name of an office, in one place (API.md, *Administrations and offices*): the
 * stage file of the administration names its offices (`{ "id", "name": { "de", "en" } }`); the
 * function learns them as OFFICE_NAMES (JSON), and until a stage names them, an office shows as
 * its id. Never a clerk's name.
 */
export type OfficeNames = Readonly<Record<string, { readonly de: string; readonly en: string }>>;

export function parseOfficeNames(json: string | undefined): OfficeNames {
  if (!json) return {};
  const parsed = JSON.parse(json) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('OFFICE_NAMES is not a JSON object');
  return parsed as OfficeNames;
}

export function officeDisplayName(names: OfficeNames, office: string, language: 'de' | 'en'): string {
  return names[office]?.[language] ?? office;
}
