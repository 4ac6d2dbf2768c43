/** What a form is, as the catalogue hands it out (API.md, Form definitions on disk). */

export interface LocalizedText {
  de: string;
  en: string;
}

/** One version of one form, as `schemas/forms/<id>/v<version>.json` defines it (see API.md). */
export interface FormDefinition {
  id: string;
  version: number;
  office: string;
  title: LocalizedText;
  description: LocalizedText;
  retentionDays: number;
  /** Where the citizen's e-mail address stands in the data, for the confirmation mail (forms/confirmation.ts). */
  confirmation?: { emailPointer: string };
  /** The portal's pages (forms/ui.ts); never changes what is valid. */
  ui?: { pages: { title: LocalizedText; properties: string[] }[] };
  /**
   * The form needs a citizen signed in with BundID at this level or higher (API.md, *Citizen
   * sign-in*); `prefill` maps data pointers to the released attributes a portal fills them from.
   */
  authentication?: { level: 'low' | 'substantial' | 'high'; prefill?: Record<string, string> };
  schema: Record<string, unknown>;
}
