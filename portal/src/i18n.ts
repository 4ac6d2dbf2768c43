import { language, translator, type Language } from '../../console/shared/language.ts';

/** Every string of the portal in German and English. German is the default; the toggle switches. */
export { formatTime, language, onLanguageChange, setLanguage, type Language } from '../../console/shared/language.ts';

const strings = {
  appTitle: { de: 'Online-Anträge', en: 'Online applications' },
  appSubtitle: { de: 'Kreisverwaltung', en: 'District administration' },
  skipToContent: { de: 'Zum Inhalt springen', en: 'Skip to content' },
  switchLanguage: { de: 'English', en: 'Deutsch' },
  loading: { de: 'Wird geladen …', en: 'Loading …' },
  error: { de: 'Fehler', en: 'Error' },
  formsTitle: { de: 'Anträge online stellen', en: 'Apply online' },
  formsIntro: {
    de: 'Wählen Sie einen Antrag. Ihre Eingaben bleiben nur in diesem Browser-Tab, bis Sie den Antrag absenden.',
    en: 'Choose an application. What you enter stays in this browser tab only until you send the application.',
  },
  noForms: { de: 'Zurzeit werden keine Anträge angeboten.', en: 'No applications are offered at the moment.' },
  startNow: { de: 'Antrag starten', en: 'Start application' },
  pageOf: { de: 'Schritt {n} von {total}', en: 'Step {n} of {total}' },
  furtherDetails: { de: 'Weitere Angaben', en: 'Further details' },
  optional: { de: '(optional)', en: '(optional)' },
  continue: { de: 'Weiter', en: 'Continue' },
  back: { de: 'Zurück', en: 'Back' },
  yes: { de: 'Ja', en: 'Yes' },
  no: { de: 'Nein', en: 'No' },
  choose: { de: 'Bitte auswählen', en: 'Please select' },
  addAnother: { de: 'Weiteren Eintrag hinzufügen', en: 'Add another' },
  remove: { de: 'Entfernen', en: 'Remove' },
  entry: { de: 'Eintrag', en: 'Entry' },
  noEntries: { de: 'Noch keine Einträge.', en: 'No entries yet.' },
  errorSummaryTitle: { de: 'Es gibt ein Problem', en: 'There is a problem' },
  checkTitle: { de: 'Angaben prüfen', en: 'Check your answers before sending' },
  checkIntro: { de: 'Bitte prüfen Sie Ihre Angaben. Mit „Ändern“ kommen Sie zur Frage zurück.', en: 'Check your answers. “Change” takes you back to the question.' },
  change: { de: 'Ändern', en: 'Change' },
  notGiven: { de: '(keine Angabe)', en: '(not given)' },
  sendTitle: { de: 'Antrag absenden', en: 'Send your application' },
  sendIntro: {
    de: 'Mit dem Absenden wird Ihr Antrag verschlüsselt an die zuständige Stelle übermittelt.',
    en: 'When you send it, your application is encrypted and passed to the responsible office.',
  },
  send: { de: 'Antrag absenden', en: 'Send application' },
  sending: { de: 'Ihr Antrag wird gesendet …', en: 'Sending your application …' },
  sendFailed: {
    de: 'Ihr Antrag konnte gerade nicht gesendet werden. Ihre Angaben sind erhalten; bitte versuchen Sie es in einigen Minuten erneut. Ein erneuter Versuch erzeugt keinen doppelten Antrag.',
    en: 'Your application could not be sent just now. Your answers are kept; please try again in a few minutes. Trying again never creates a second application.',
  },
  sendRejected: { de: 'Der Antrag konnte nicht angenommen werden.', en: 'The application could not be accepted.' },
  formGone: { de: 'Dieser Antrag wird nicht mehr angeboten.', en: 'This application is no longer offered.' },
  doneTitle: { de: 'Antrag eingegangen', en: 'Application received' },
  doneReference: { de: 'Ihr Aktenzeichen', en: 'Your reference' },
  doneNext: { de: 'Wie es weitergeht', en: 'What happens next' },
  doneMail: {
    de: 'Falls Sie eine E-Mail-Adresse angegeben haben, erhalten Sie eine Eingangsbestätigung mit diesem Aktenzeichen und einem Link zum Bearbeitungsstand.',
    en: 'If you gave an e-mail address, you will get a confirmation with this reference and a link to the progress of your application.',
  },
  doneStatusLink: { de: 'Bearbeitungsstand ansehen', en: 'See the progress of your application' },
  doneKeepLink: {
    de: 'Bewahren Sie den Link auf: Wer ihn kennt, sieht den Bearbeitungsstand (nie Ihre Angaben).',
    en: 'Keep the link: whoever has it sees the progress (never your answers).',
  },
  doneAnother: { de: 'Zur Übersicht der Anträge', en: 'Back to all applications' },
  fileChoose: { de: 'Datei auswählen', en: 'Choose a file' },
  fileAllowed: { de: 'Erlaubt: {types}, höchstens {size}.', en: 'Allowed: {types}, at most {size}.' },
  fileUploading: { de: 'Wird hochgeladen: {percent} %', en: 'Uploading: {percent}%' },
  fileScanning: { de: 'Wird auf Schadsoftware geprüft …', en: 'Being checked for malware …' },
  fileClean: { de: 'Hochgeladen und geprüft.', en: 'Uploaded and checked.' },
  fileRejected: { de: 'Abgelehnt: {reason}', en: 'Rejected: {reason}' },
  fileFailed: { de: 'Das Hochladen ist fehlgeschlagen. Bitte versuchen Sie es erneut.', en: 'The upload failed. Please try again.' },
  fileWrongType: { de: 'Diese Dateiart ist hier nicht erlaubt.', en: 'This type of file is not allowed here.' },
  fileTooLarge: { de: 'Die Datei ist zu groß.', en: 'The file is too large.' },
  fileRemove: { de: 'Datei entfernen', en: 'Remove file' },
  fileAddAnother: { de: 'Weitere Datei hochladen', en: 'Upload another file' },
  fileNotReady: { de: 'Bitte warten Sie, bis „{label}“ hochgeladen und geprüft ist, oder entfernen Sie die Datei.', en: 'Wait until “{label}” is uploaded and checked, or remove the file.' },
  reasonMalware: { de: 'Die Datei enthält Schadsoftware.', en: 'The file contains malware.' },
  reasonTypeMismatch: { de: 'Der Inhalt passt nicht zur Dateiart.', en: 'The content does not match the type of file.' },
  reasonChecksum: { de: 'Die Datei kam beschädigt an.', en: 'The file arrived damaged.' },
  reasonExpired: { de: 'Die Datei ist abgelaufen; bitte erneut hochladen.', en: 'The file has expired; please upload it again.' },
  statusTitle: { de: 'Bearbeitungsstand', en: 'Progress of your application' },
  statusNoToken: {
    de: 'Öffnen Sie den Link aus Ihrer Eingangsbestätigung (E-Mail): nur mit ihm lässt sich der Bearbeitungsstand abrufen.',
    en: 'Open the link in your confirmation e-mail: only with it can the progress be shown.',
  },
  statusNotFound: {
    de: 'Zu diesem Link wurde kein Antrag gefunden. Bitte prüfen Sie, ob Sie den vollständigen Link aus der E-Mail geöffnet haben.',
    en: 'No application was found for this link. Please check that you opened the whole link from the e-mail.',
  },
  statusTooMany: { de: 'Zu viele Abrufe. Bitte versuchen Sie es in einigen Minuten erneut.', en: 'Too many requests. Please try again in a few minutes.' },
  statusNow: { de: 'Aktueller Stand', en: 'Current status' },
  statusForm: { de: 'Antrag', en: 'Application' },
  statusReceived: { de: 'Eingegangen am', en: 'Received on' },
  statusUpdated: { de: 'Zuletzt geändert am', en: 'Last changed on' },
  statusHistory: { de: 'Verlauf', en: 'History' },
  statusReload: { de: 'Aktualisieren', en: 'Refresh' },
  footerAccessibility: { de: 'Erklärung zur Barrierefreiheit', en: 'Accessibility statement' },
  footerEasy: { de: 'Leichte Sprache', en: 'Easy language' },
  footerForms: { de: 'Alle Anträge', en: 'All applications' },
  notFoundTitle: { de: 'Seite nicht gefunden', en: 'Page not found' },
  notFoundText: { de: 'Diese Seite gibt es nicht. Prüfen Sie die Adresse oder gehen Sie zur Übersicht.', en: 'There is no such page. Check the address or go to the overview.' },
} as const satisfies Record<string, Record<Language, string>>;

export type StringKey = keyof typeof strings;
export const t: (key: StringKey) => string = translator(strings);

/** A string with `{name}` placeholders filled in. */
export const fill = (key: StringKey, values: Record<string, string | number>): string =>
  Object.entries(values).reduce((text, [name, value]) => text.replaceAll(`{${name}}`, String(value)), t(key));

/** A case status in plain words, with what it means for the citizen. */
const STATUS: Record<string, Record<Language, [string, string]>> = {
  received: { de: ['Eingegangen', 'Ihr Antrag ist eingegangen und wartet auf die Bearbeitung.'], en: ['Received', 'Your application has arrived and is waiting to be dealt with.'] },
  in_review: { de: ['In Bearbeitung', 'Ihr Antrag wird gerade geprüft.'], en: ['Being reviewed', 'Your application is being reviewed.'] },
  needs_info: {
    de: ['Rückfrage', 'Die zuständige Stelle braucht weitere Angaben oder Unterlagen von Ihnen. Sie meldet sich bei Ihnen.'],
    en: ['Information needed', 'The office needs more information or documents from you. It will contact you.'],
  },
  approved: { de: ['Bewilligt', 'Ihr Antrag wurde bewilligt. Sie erhalten einen Bescheid.'], en: ['Approved', 'Your application was approved. You will get a decision letter.'] },
  rejected: { de: ['Abgelehnt', 'Ihr Antrag wurde abgelehnt. Sie erhalten einen Bescheid mit den Gründen.'], en: ['Rejected', 'Your application was rejected. You will get a decision letter with the reasons.'] },
  closed: { de: ['Abgeschlossen', 'Die Bearbeitung ist abgeschlossen.'], en: ['Closed', 'Work on your application is finished.'] },
};

export const statusName = (status: string): string => STATUS[status]?.[language()][0] ?? status;
export const statusMeaning = (status: string): string => STATUS[status]?.[language()][1] ?? '';
