import { html } from '../html.ts';
import { fileSize } from '../fileSize.ts';
import { language, t } from '../i18n.ts';

/** An attachment of the case as the API answers it (API.md, `GET /cases/{caseId}`). */
export interface Attachment {
  attachmentId: string;
  field: string;
  fileName: string;
  mediaType: string;
  size: number;
  /** Base64 SHA-256 of the bytes, as the citizen's upload declared and storage verified. */
  sha256: string;
}

const TYPE_NAMES: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG' };

/** One file of the case: its name as a download button, its type and size. */
export function AttachmentFile({ attachment, onDownload }: { attachment: Attachment; onDownload: (attachment: Attachment) => void }) {
  return html`<span class="attachment-file">
    <button type="button" class="kern-btn kern-btn--tertiary" onClick=${() => onDownload(attachment)} aria-label=${`${t('download')}: ${attachment.fileName}`}>
      <span class="kern-label">${attachment.fileName}</span>
    </button>
    <span class="kern-body kern-body--muted"> (${TYPE_NAMES[attachment.mediaType] ?? attachment.mediaType}, ${fileSize(attachment.size, language())})</span>
  </span>`;
}
