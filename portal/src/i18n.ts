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
  signInTitle: { de: 'Anmelden mit der BundID', en: 'Sign in with BundID' },
  signInIntro: {
    de: 'Für diesen Antrag müssen Sie sich ausweisen. Das geht online mit der BundID, dem zentralen Konto von Bund und Ländern für Verwaltungsleistungen. Sie melden sich dort an, zum Beispiel mit dem Online-Ausweis oder einem ELSTER-Zertifikat, und kommen dann hierher zurück.',
    en: 'For this application you need to prove who you are. You do this online with BundID, the central account of the federal and state governments for administrative services. You sign in there, for example with your online ID card or an ELSTER certificate, and then come back here.',
  },
  signInLevel: { de: 'Dieser Antrag verlangt das Vertrauensniveau „{level}“ oder höher.', en: 'This application needs the level of assurance “{level}” or higher.' },
  signInPrefill: {
    de: 'Die Angaben, die die BundID übermittelt (zum Beispiel Name, Geburtsdatum, Anschrift), werden in den Antrag übernommen. Sie können sie prüfen und ändern.',
    en: 'The details BundID passes on (such as name, date of birth, address) are filled into the application. You can check and change them.',
  },
  signInKept: { de: 'Was Sie bereits eingegeben haben, bleibt erhalten.', en: 'What you have already entered is kept.' },
  signInButton: { de: 'Mit BundID anmelden', en: 'Sign in with BundID' },
  signedInAs: { de: 'Angemeldet als {name}, Vertrauensniveau {level}', en: 'Signed in as {name}, level of assurance {level}' },
  signedInAnonymous: { de: 'Angemeldet mit der BundID', en: 'Signed in with BundID' },
  signInExpired: {
    de: 'Ihre Anmeldung ist abgelaufen (sie gilt 30 Minuten). Bitte melden Sie sich erneut an. Ihre Eingaben bleiben erhalten.',
    en: 'Your sign-in has expired (it lasts 30 minutes). Please sign in again. What you entered is kept.',
  },
  signInRefused: {
    de: 'Ihre Anmeldung wurde nicht angenommen oder ist abgelaufen. Bitte melden Sie sich erneut an. Ihre Eingaben bleiben erhalten.',
    en: 'Your sign-in was not accepted or has expired. Please sign in again. What you entered is kept.',
  },
  signInTooLow: {
    de: 'Ihre Anmeldung hat das Vertrauensniveau „{achieved}“. Dieser Antrag verlangt „{level}“. Bitte melden Sie sich mit einem passenden Zugang an, zum Beispiel mit dem Online-Ausweis. Ihre Eingaben bleiben erhalten.',
    en: 'Your sign-in has the level of assurance “{achieved}”. This application needs “{level}”. Please sign in with a suitable means, such as your online ID card. What you entered is kept.',
  },
  signInAgain: { de: 'Erneut mit BundID anmelden', en: 'Sign in again with BundID' },
  levelLow: { de: 'niedrig', en: 'low' },
  levelSubstantial: { de: 'substantiell', en: 'substantial' },
  levelHigh: { de: 'hoch', en: 'high' },
  myTitle: { de: 'Meine Anträge', en: 'My applications' },
  myIntro: { de: 'Hier sehen Sie die Anträge, die Sie nach einer Anmeldung mit der BundID gestellt haben.', en: 'Here you see the applications you sent after signing in with BundID.' },
  mySignIn: {
    de: 'Um Ihre Anträge zu sehen, melden Sie sich mit der BundID an. Jedes Vertrauensniveau genügt.',
    en: 'To see your applications, sign in with BundID. Any level of assurance will do.',
  },
  myNone: { de: 'Sie haben noch keine Anträge mit Anmeldung gestellt.', en: 'You have not sent any applications with sign-in yet.' },
  myReference: { de: 'Aktenzeichen', en: 'Reference' },
  myForm: { de: 'Antrag', en: 'Application' },
  myStatus: { de: 'Stand', en: 'Status' },
  myReceived: { de: 'Eingegangen am', en: 'Received on' },
  myUpdated: { de: 'Zuletzt geändert am', en: 'Last changed on' },
  footerMine: { de: 'Meine Anträge', en: 'My applications' },
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

const LEVEL_KEYS = { low: 'levelLow', substantial: 'levelSubstantial', high: 'levelHigh' } as const satisfies Record<string, StringKey>;
/** A BundID trust level in words (eIDAS: niedrig, substantiell, hoch). */
export const levelName = (level: string): string => (level in LEVEL_KEYS ? t(LEVEL_KEYS[level as keyof typeof LEVEL_KEYS]) : level);

export const statusName = (status: string): string => STATUS[status]?.[language()][0] ?? status;
export const statusMeaning = (status: string): string => STATUS[status]?.[language()][1] ?? '';
