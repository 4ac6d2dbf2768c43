import { html } from '../html.ts';
import { actorLabel, eventLabel, formatTime, statusLabel, t } from '../i18n.ts';
import { historyLines, type CaseEvent } from '../history.ts';

/**
 * The case's history, oldest first, in a clerk's words: what happened and who did it (the citizen,
 * a clerk, or the system by its job), status changes with both states, a viewed file by its name,
 * and repeated views of one clerk as one line with a count.
 */
export function CaseHistory({ events, fileNameOf }: { events: CaseEvent[]; fileNameOf: (attachmentId: string) => string }) {
  return html`<section aria-labelledby="events-title">
    <h2 id="events-title" class="kern-heading-medium">${t('events')}</h2>
    <ol class="kern-list timeline">
      ${historyLines(events).map(({ event, count, until }, index) => {
        const time = count > 1 && formatTime(until) !== formatTime(event.at) ? `${formatTime(event.at)} – ${formatTime(until)}` : formatTime(event.at);
        return html`<li key=${index} data-type=${event.type} data-count=${count}>
          <time datetime=${event.at}>${time}</time>: <strong>${eventLabel(event.type)}</strong>
          ${event.from && event.to ? ` (${statusLabel(event.from)} → ${statusLabel(event.to)})` : ''}
          ${(event.type === 'case.attachment_viewed' || event.type === 'case.decision_downloaded') && event.detail ? ` (${fileNameOf(event.detail)})` : ''} – ${actorLabel(event.actor)}${count > 1 ? `, ${count} ${t('timesViewed')}` : ''}
        </li>`;
      })}
    </ol>
  </section>`;
}
