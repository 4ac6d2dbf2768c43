import { useEffect, useMemo, useState } from 'preact/hooks';
import { fieldLabel, resolveRef, type Schema } from '../../../console/shared/schemaText.ts';
import { html } from '../../../console/shared/html.ts';
import { ApiProblem, getJson, postWithRetries } from '../api.ts';
import { checkProperties, type FieldError } from '../form/check.ts';
import { clearDraft, readDraft, writeDraft, type Draft, type UploadedFile } from '../form/draft.ts';
import { Field, Fields, type FormContext } from '../form/fields.ts';
import { pageProperties, pagesOf, submittable, type Page, type UiOverlay } from '../form/model.ts';
import { tokensOf, valueAt, withValue, type Answers } from '../form/pointer.ts';
import { fill, language, levelName, t } from '../i18n.ts';
import { href, navigate } from '../router.ts';
import { CheckAnswers } from './checkAnswers.ts';
import { Confirmation, type Receipt } from './confirmation.ts';
import { ErrorSummary } from './errorSummary.ts';
import { Missing } from './missing.ts';
import { authorizationFor, forgetSignIn, formNeedsSignIn, satisfies, signInState, type CitizenClaims, type FormAuthentication } from '../signIn.ts';
import { SignedInAs, SignInPage } from './signIn.ts';
import { usePage } from './pageTitle.ts';

/**
 * A citizen's way through one form (GOV.UK's question pages, check answers, confirmation): the
 * latest version rendered from its schema, one page per group, each page checked before the
 * next; then every answer to check, then sending with one `Idempotency-Key` for every retry of
 * this submission; the server's errors at their fields. The answers live in the tab's session
 * storage until the `201`.
 */
export interface FormDocument {
  id: string;
  version: number;
  title: { de: string; en: string };
  description: { de: string; en: string };
  schema: Schema;
  ui?: UiOverlay;
  authentication?: FormAuthentication;
}

/** The answers with what the sign-in released at the fields the form's `prefill` names, where nothing is typed yet. */
export function prefilled(answers: Answers, authentication: FormAuthentication | undefined, claims: CitizenClaims): Answers {
  let next = answers;
  for (const [pointer, attribute] of Object.entries(authentication?.prefill ?? {})) {
    const value = claims.attributes[attribute];
    if (typeof value === 'string' && value !== '' && valueAt(next, pointer) === undefined) next = withValue(next, pointer, value);
  }
  return next;
}

const labelOf = (name: string, schema: Schema): string => fieldLabel(name, schema, language());

/** The server's errors as the form's pointers (`/data/applicant/email` → `/applicant/email`). */
const serverErrors = (problem: ApiProblem): FieldError[] =>
  (problem.problem.errors ?? []).map((error) => ({ pointer: error.pointer.replace(/^\/data(?=\/|$)/, ''), message: error.message }));

export function Journey({ formId, page }: { formId: string; page: string | null }) {
  const [form, setForm] = useState<FormDocument | null | undefined>();
  const [draft, setDraft] = useState<Draft | undefined>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [attempt, setAttempt] = useState(0);
  const [sending, setSending] = useState(false);
  const [sendProblem, setSendProblem] = useState<string | undefined>();
  const [receipt, setReceipt] = useState<Receipt | undefined>();
  /** Why the server refused the sign-in (401, 403 insufficient-trust-level): sign in again. */
  const [signInProblem, setSignInProblem] = useState<string | undefined>();

  useEffect(() => {
    getJson<FormDocument>(`/forms/${encodeURIComponent(formId)}`).then(
      (loaded) => {
        const stored = readDraft(formId, loaded.version);
        const session = signInState();
        if (loaded.authentication) formNeedsSignIn(formId);
        if (loaded.authentication?.prefill && session.state === 'signed-in') {
          const answers = prefilled(stored.answers, loaded.authentication, session.claims);
          if (answers !== stored.answers) writeDraft({ ...stored, answers });
          setDraft({ ...stored, answers });
        } else setDraft(stored);
        setForm(loaded);
      },
      () => setForm(null),
    );
  }, [formId]);

  const root = form?.schema ?? {};
  const pages = useMemo(() => (form ? pagesOf(root, form.ui) : []), [form]);
  const answers = draft?.answers ?? {};
  const shown = pages.filter((candidate) => pageProperties(root, candidate, answers).length > 0);
  const step = page === 'check' ? 'check' : Math.min(Math.max(1, Number(page) || 1), Math.max(1, shown.length));
  const current: Page | undefined = step === 'check' ? undefined : shown[step - 1];
  const title = form ? form.title[language()] : t('loading');
  const authentication = form?.authentication;
  const session = signInState();
  const signedIn = session.state === 'signed-in' && authentication && satisfies(session.claims.level, authentication.level) ? session.claims : undefined;
  const gate = !!authentication && !receipt && (!signedIn || !!signInProblem);
  const heading = usePage(receipt ? t('doneTitle') : gate ? t('signInTitle') : step === 'check' ? t('checkTitle') : title, `${receipt ? 'done' : gate ? 'sign-in' : step}`);

  if (form === null) return html`<${Missing} />`;
  if (!form || !draft) return html`<p class="kern-body" role="status">${t('loading')}</p>`;
  if (receipt) return html`<${Confirmation} receipt=${receipt} title=${title} heading=${heading} />`;
  if (authentication && gate) {
    const problem =
      signInProblem ??
      (session.state === 'expired'
        ? t('signInExpired')
        : session.state === 'signed-in'
          ? fill('signInTooLow', { achieved: levelName(session.claims.level), level: levelName(authentication.level) })
          : undefined);
    const returnPath = `forms/${formId}${page ? `?page=${encodeURIComponent(page)}` : ''}`;
    return html`<p class="kern-body"><a class="kern-link" href=${href('')}>${t('back')}</a></p>
      <${SignInPage} level=${authentication.level} returnPath=${returnPath} context=${title} problem=${problem} heading=${heading} />`;
  }
  const signedInAs = signedIn ? html`<${SignedInAs} claims=${signedIn} />` : null;

  const update = (next: Draft): void => {
    writeDraft(next);
    setDraft(next);
  };
  const ctx: FormContext = {
    root,
    formId,
    answers,
    set: (pointer, value) => setDraft((previous) => {
      const next = { ...previous!, answers: withValue(previous!.answers, pointer, value) };
      writeDraft(next);
      return next;
    }),
    errorAt: (pointer) => errors.find((error) => error.pointer === pointer)?.message,
    files: draft.files,
    setFile: (pointer, file) => setDraft((previous) => {
      const files: Record<string, UploadedFile> = { ...previous!.files };
      if (file) files[pointer] = file;
      else delete files[pointer];
      const next = { ...previous!, files };
      writeDraft(next);
      return next;
    }),
  };
  const pageOf = (pointer: string): number => {
    const name = tokensOf(pointer)[0];
    return shown.findIndex((candidate) => name !== undefined && candidate.names.includes(name)) + 1;
  };
  const go = (target: number | 'check'): void => {
    setSendProblem(undefined);
    navigate(`forms/${formId}?page=${target}`);
  };
  const showErrors = (found: FieldError[]): void => {
    setErrors(found);
    setAttempt((n) => n + 1);
  };

  const filesNotReady = (properties: ReturnType<typeof pageProperties>): FieldError[] =>
    Object.entries(draft.files)
      .filter(([pointer, file]) => file.status !== 'clean' && properties.some((property) => pointer === `/${property.name}` || pointer.startsWith(`/${property.name}/`)))
      .map(([pointer, file]) => ({ pointer, message: fill('fileNotReady', { label: file.fileName }) }));

  const proceed = (event: Event): void => {
    event.preventDefault();
    if (!current) return;
    const properties = pageProperties(root, current, answers);
    const found = [...checkProperties(root, properties, answers, '', language(), labelOf), ...filesNotReady(properties)];
    if (found.length > 0) return showErrors(found);
    setErrors([]);
    go(step === shown.length ? 'check' : (step as number) + 1);
  };

  const send = async (): Promise<void> => {
    if (authentication && signInState(5).state !== 'signed-in') {
      forgetSignIn();
      setSignInProblem(t('signInExpired'));
      return;
    }
    const idempotencyKey = draft.idempotencyKey ?? crypto.randomUUID();
    update({ ...draft, idempotencyKey });
    setSending(true);
    setSendProblem(undefined);
    try {
      const answer = await postWithRetries<Receipt>(
        `/forms/${encodeURIComponent(formId)}/submissions`,
        { formVersion: form.version, data: submittable(root, root, answers) },
        { 'Idempotency-Key': idempotencyKey, ...authorizationFor(formId) },
      );
      clearDraft(formId);
      setReceipt(answer);
    } catch (error) {
      if (error instanceof ApiProblem && error.problem.type === 'urn:problem:validation-failed') {
        // Nothing was stored: the corrected answers are a new submission with a key of their own.
        update({ ...draft, idempotencyKey: undefined });
        const found = serverErrors(error);
        const first = Math.min(...found.map((found) => pageOf(found.pointer)).filter((n) => n > 0));
        showErrors(found);
        if (Number.isFinite(first)) go(first);
        else setSendProblem(t('sendRejected'));
      } else if (authentication && error instanceof ApiProblem && (error.problem.status === 401 || error.problem.type === 'urn:problem:insufficient-trust-level')) {
        // Nothing was stored; the answers stay in the tab for after the new sign-in.
        forgetSignIn();
        setSignInProblem(error.problem.status === 401 ? t('signInRefused') : fill('signInTooLow', { achieved: levelName(signedIn?.level ?? 'low'), level: levelName(authentication.level) }));
      } else if (error instanceof ApiProblem && error.problem.type === 'urn:problem:not-found') {
        setSendProblem(t('formGone'));
      } else if (error instanceof ApiProblem && error.problem.status < 500 && error.problem.status !== 429 && error.problem.status !== 409) {
        setSendProblem(`${t('sendRejected')} ${error.problem.detail ?? ''}`.trim());
      } else {
        setSendProblem(t('sendFailed'));
      }
    } finally {
      setSending(false);
    }
  };

  const back = step === 'check' ? shown.length : (step as number) - 1;
  const backLink = back >= 1 ? html`<p class="kern-body"><a class="kern-link" href=${href(`forms/${formId}?page=${back}`)}>${t('back')}</a></p>` : html`<p class="kern-body"><a class="kern-link" href=${href('')}>${t('back')}</a></p>`;

  if (step === 'check') {
    const unplaced = errors.filter((error) => pageOf(error.pointer) === 0);
    return html`${backLink}
      <p class="kern-body kern-body--small">${title}</p>
      <h1 class="kern-heading-large" tabindex="-1" ref=${heading}>${t('checkTitle')}</h1>
      ${signedInAs}
      <${ErrorSummary} errors=${[]} general=${[...unplaced.map((error) => error.message), ...(sendProblem ? [sendProblem] : [])]} attempt=${attempt} />
      <p class="kern-body">${t('checkIntro')}</p>
      <${CheckAnswers} root=${root} pages=${shown} answers=${answers} files=${draft.files} formId=${formId} titleOf=${(index: number) => pageTitle(root, shown[index]!, title)} />
      <h2 class="kern-heading-medium">${t('sendTitle')}</h2>
      <p class="kern-body">${t('sendIntro')}</p>
      ${sending ? html`<p class="kern-body" role="status">${t('sending')}</p>` : null}
      <div class="actions">
        <button type="button" class="kern-btn kern-btn--primary" disabled=${sending} onClick=${send}><span class="kern-label">${t('send')}</span></button>
      </div>`;
  }

  const properties = pageProperties(root, current!, answers);
  const single = properties.length === 1 && properties[0]!.schema.type === 'object' && !form.ui;
  const pageErrors = errors.filter((error) => pageOf(error.pointer) === step || pageOf(error.pointer) === 0);
  return html`${backLink}
    <${ErrorSummary} errors=${pageErrors} attempt=${attempt} />
    <p class="kern-body kern-body--small">${title} · ${fill('pageOf', { n: step, total: shown.length })}</p>
    <h1 class="kern-heading-large" tabindex="-1" ref=${heading}>${pageTitle(root, current!, title)}</h1>
    ${signedInAs}
    ${step === 1 ? html`<p class="kern-body">${form.description[language()]}</p>` : null}
    <form class="portal-form" novalidate onSubmit=${proceed}>
      ${single
        ? html`<${Fields} ctx=${ctx} schema=${properties[0]!.schema} pointer=${`/${properties[0]!.name}`} />`
        : properties.map((property) => html`<${Field} key=${property.name} ctx=${ctx} property=${property} pointer=${`/${property.name}`} />`)}
      <div class="actions"><button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">${t('continue')}</span></button></div>
    </form>`;
}

/** A page's heading: the overlay's, the title of the group it asks for, or "Further details". */
export function pageTitle(root: Schema, page: Page, formTitle: string): string {
  if (page.title) return page.title[language()];
  const properties = (root.properties ?? {}) as Record<string, Schema>;
  if (page.names.length === 1) return fieldLabel(page.names[0]!, resolveRef(root, properties[page.names[0]!]), language());
  return page.names.length === 0 ? formTitle : t('furtherDetails');
}
