import { language, translator, type Language } from '../shared/language.ts';
import { actorLabelIn, eventLabelIn } from './history.ts';

/** Every string of the console in German and English. German is the default; the toggle switches. */
export { formatTime, language, onLanguageChange, setLanguage, type Language } from '../shared/language.ts';

const strings = {
  appTitle: { de: 'Fallbearbeitung', en: 'Case work' },
  appSubtitle: { de: 'Online-Formulare der Kreisverwaltung', en: 'Online forms of the district administration' },
  skipToContent: { de: 'Zum Inhalt springen', en: 'Skip to content' },
  switchLanguage: { de: 'English', en: 'Deutsch' },
  signedInAs: { de: 'Angemeldet als', en: 'Signed in as' },
  signOut: { de: 'Abmelden', en: 'Sign out' },
  signInTitle: { de: 'Anmelden', en: 'Sign in' },
  signInLocalIntro: {
    de: 'Lokale Entwicklungsumgebung: Wählen Sie eine Kennung und die Ämter, für die Sie arbeiten. Es wird ein Token des lokalen Nutzerpools ausgestellt.',
    en: 'Local development stack: choose a clerk id and the offices you work for. A token of the local user pool is issued.',
  },
  signInCognitoIntro: {
    de: 'Sie melden sich beim Nutzerpool der Verwaltung an (mit Passwort und Authenticator-App).',
    en: "You sign in with the administration's user pool (password and authenticator app).",
  },
  signInWithCognito: { de: 'Weiter zur Anmeldung', en: 'Continue to sign-in' },
  clerkId: { de: 'Kennung', en: 'Clerk id' },
  clerkIdHint: { de: 'z. B. alice', en: 'e.g. alice' },
  offices: { de: 'Ämter', en: 'Offices' },
  signIn: { de: 'Anmelden', en: 'Sign in' },
  sessionExpired: {
    de: 'Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an; Ihre Eingaben bleiben erhalten.',
    en: 'Your session has expired. Please sign in again; what you typed is kept.',
  },
  signInFailed: { de: 'Die Anmeldung ist fehlgeschlagen.', en: 'Sign-in failed.' },
  chooseOffice: { de: 'Bitte mindestens ein Amt wählen.', en: 'Please choose at least one office.' },
  casesTitle: { de: 'Vorgänge', en: 'Cases' },
  filters: { de: 'Filter', en: 'Filters' },
  office: { de: 'Amt', en: 'Office' },
  form: { de: 'Formular', en: 'Form' },
  status: { de: 'Status', en: 'Status' },
  all: { de: 'Alle', en: 'All' },
  apply: { de: 'Anwenden', en: 'Apply' },
  reference: { de: 'Aktenzeichen', en: 'Reference' },
  receivedAt: { de: 'Eingang', en: 'Received' },
  identity: { de: 'Identität', en: 'Identity' },
  identifiedPerson: { de: 'Laut BundID', en: 'According to BundID' },
  updatedAt: { de: 'Geändert', en: 'Updated' },
  noCases: { de: 'Keine Vorgänge gefunden.', en: 'No cases found.' },
  casesCaption: { de: 'Vorgänge, neueste zuerst', en: 'Cases, newest first' },
  nextPage: { de: 'Nächste Seite', en: 'Next page' },
  previousPage: { de: 'Vorherige Seite', en: 'Previous page' },
  page: { de: 'Seite', en: 'Page' },
  loading: { de: 'Wird geladen …', en: 'Loading …' },
  open: { de: 'Öffnen', en: 'Open' },
  exportTitle: { de: 'Export', en: 'Export' },
  exportIntro: {
    de: 'Exportiert die Vorgänge eines Formulars (höchstens 1.000) als CSV. Jeder Export wird im Verlauf des Vorgangs vermerkt.',
    en: 'Exports the cases of one form (at most 1,000) as CSV. Every export is recorded in the case history.',
  },
  exportFrom: { de: 'Eingang ab (Datum)', en: 'Received from (date)' },
  exportTo: { de: 'Eingang bis einschließlich (Datum)', en: 'Received up to and including (date)' },
  exportButton: { de: 'CSV exportieren', en: 'Export CSV' },
  exportNeedsForm: { de: 'Bitte zuerst ein Formular wählen.', en: 'Please choose a form first.' },
  exportDone: { de: 'Export heruntergeladen.', en: 'Export downloaded.' },
  backToList: { de: 'Zurück zur Liste', en: 'Back to the list' },
  messages: { de: 'Nachrichten', en: 'Messages' },
  noMessages: { de: 'Noch keine Nachrichten.', en: 'No messages yet.' },
  fromOffice: { de: 'Behörde', en: 'Office' },
  fromCitizen: { de: 'Antragstellende Person', en: 'Applicant' },
  kind_request: { de: 'Nachforderung', en: 'Request' },
  kind_information: { de: 'Information', en: 'Information' },
  kind_decision: { de: 'Bescheid', en: 'Decision' },
  kind_reply: { de: 'Antwort', en: 'Reply' },
  newMessage: { de: 'Nachricht an die antragstellende Person', en: 'Message to the applicant' },
  messageKind: { de: 'Art der Nachricht', en: 'Kind of message' },
  messageKindHint: {
    de: 'Eine Nachforderung setzt den Status auf „Rückfrage“; ein Bescheid ist nur bei „bewilligt“ oder „abgelehnt“ möglich.',
    en: 'A request sets the status to "needs information"; a decision is possible only once approved or rejected.',
  },
  messageText: { de: 'Text', en: 'Text' },
  messageHint: { de: 'Die antragstellende Person erhält eine E-Mail, dass es Neuigkeiten gibt, ohne den Inhalt.', en: 'The applicant gets an e-mail that there is news, without the content.' },
  messageFiles: { de: 'Dateien (PDF, JPEG oder PNG, je höchstens 20 MiB)', en: 'Files (PDF, JPEG or PNG, at most 20 MiB each)' },
  sendMessage: { de: 'Nachricht senden', en: 'Send message' },
  messageSent: { de: 'Nachricht gesendet.', en: 'Message sent.' },
  uploading: { de: 'Dateien werden hochgeladen und geprüft …', en: 'Uploading and checking files …' },
  uploadRejected: { de: 'Eine Datei wurde abgelehnt', en: 'A file was rejected' },
  caseTitle: { de: 'Vorgang', en: 'Case' },
  summary: { de: 'Übersicht', en: 'Summary' },
  formVersion: { de: 'Formularversion', en: 'Form version' },
  data: { de: 'Angaben', en: 'Data' },
  download: { de: 'Herunterladen', en: 'Download' },
  downloadDone: { de: 'Anlage heruntergeladen', en: 'Attachment downloaded' },
  downloadFailed: { de: 'Die Anlage konnte nicht geladen werden.', en: 'The attachment could not be loaded.' },
  downloadCorrupt: {
    de: 'Die geladene Datei stimmt nicht mit der eingereichten überein und wurde nicht gespeichert.',
    en: 'The loaded file does not match the one submitted and was not saved.',
  },
  notes: { de: 'Notizen', en: 'Notes' },
  noNotes: { de: 'Noch keine Notizen.', en: 'No notes yet.' },
  newNote: { de: 'Neue Notiz', en: 'New note' },
  noteHint: { de: 'Höchstens 4.000 Zeichen.', en: 'At most 4,000 characters.' },
  charactersLeft: { de: 'Zeichen übrig', en: 'characters left' },
  saveNote: { de: 'Notiz speichern', en: 'Save note' },
  workflow: { de: 'Bearbeitung', en: 'Processing' },
  moveTo: { de: 'Status ändern zu', en: 'Change status to' },
  noTransitions: { de: 'Dieser Vorgang ist abgeschlossen.', en: 'This case is closed.' },
  transitionNoteHint: { de: 'Eine eingegebene Notiz wird mit dem Statuswechsel gespeichert.', en: 'A typed note is saved with the status change.' },
  saved: { de: 'Gespeichert.', en: 'Saved.' },
  conflict: {
    de: 'Der Vorgang wurde inzwischen von jemand anderem geändert. Laden Sie ihn neu; Ihre Notiz bleibt erhalten.',
    en: 'Someone else changed this case meanwhile. Reload it; your note is kept.',
  },
  reload: { de: 'Neu laden', en: 'Reload' },
  events: { de: 'Verlauf', en: 'History' },
  timesViewed: { de: 'Mal', en: 'times' },
  fileOfField: { de: 'Datei', en: 'File' },
  missingFile: { de: 'Datei nicht beim Vorgang gefunden', en: 'File not found with the case' },
  by: { de: 'von', en: 'by' },
  yes: { de: 'Ja', en: 'Yes' },
  no: { de: 'Nein', en: 'No' },
  empty: { de: '(keine Angabe)', en: '(none)' },
  item: { de: 'Eintrag', en: 'Item' },
  error: { de: 'Fehler', en: 'Error' },
  notFound: { de: 'Vorgang nicht gefunden.', en: 'Case not found.' },
} as const satisfies Record<string, Record<Language, string>>;

export type StringKey = keyof typeof strings;

const STATUS_LABELS: Record<string, Record<Language, string>> = {
  received: { de: 'Eingegangen', en: 'Received' },
  in_review: { de: 'In Prüfung', en: 'In review' },
  needs_info: { de: 'Rückfrage', en: 'Needs information' },
  approved: { de: 'Bewilligt', en: 'Approved' },
  rejected: { de: 'Abgelehnt', en: 'Rejected' },
  closed: { de: 'Abgeschlossen', en: 'Closed' },
};

/** BundID's trust levels, as eIDAS names them in German and English. */
const TRUST_LEVEL_LABELS: Record<string, Record<Language, string>> = {
  low: { de: 'niedrig', en: 'low' },
  substantial: { de: 'substantiell', en: 'substantial' },
  high: { de: 'hoch', en: 'high' },
};

export const t: (key: StringKey) => string = translator(strings);
export const statusLabel = (status: string): string => STATUS_LABELS[status]?.[language()] ?? status;
export const eventLabel = (type: string): string => eventLabelIn(type, language());
export const actorLabel = (actor: string): string => actorLabelIn(actor, language());
/** A case submitted after sign-in: "identifiziert über BundID, Vertrauensniveau substantiell". */
export const identifiedVia = (level: string): string => {
  const label = TRUST_LEVEL_LABELS[level]?.[language()] ?? level;
  return language() === 'de' ? `identifiziert über BundID, Vertrauensniveau ${label}` : `identified via BundID, level ${label}`;
};
