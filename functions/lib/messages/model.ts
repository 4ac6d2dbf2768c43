/**
 * Messages between office and citizen (API.md, "Messages between office and citizen"): what the
 * office writes (a request for documents, an information, the decision) and the citizen's replies.
 */

/** What an office's message is: `request` moves the case to `needs_info`, `decision` needs `approved` or `rejected`. */
export const MESSAGE_KINDS = ['request', 'information', 'decision'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
/** A citizen's reply is a message of its own kind. */
export const REPLY_KIND = 'reply' as const;
export type AnyMessageKind = MessageKind | typeof REPLY_KIND;

export type MessageAuthor = 'office' | 'citizen';

/** A message's text has at most this many characters (as a note), a case at most this many replies (API.md). */
export const MAX_MESSAGE_CHARS = 4_000;
export const MAX_REPLIES = 20;
/** At most this many files per message or reply (each costs two items of its transaction). */
export const MAX_MESSAGE_FILES = 10;

/**
 * The `field` of an upload ticket for a message's file: no JSON Pointer (those begin with `/`), so
 * a message's ticket can never be bound by a submission, and a citizen's never by an office's message.
 */
export const MESSAGE_FILE_FIELD: Readonly<Record<MessageAuthor, string>> = { office: '#message/office', citizen: '#message/citizen' };

/** A file of a message, as its sealed content names it. */
export interface MessageFile {
  attachmentId: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
}

/** What is sealed of a message: its text and its files' names (personal data). */
export interface MessageContent {
  text: string;
  attachments: MessageFile[];
}

/** A message as stored, before its content is opened. */
export interface MessageHeader {
  messageId: string;
  at: string;
  from: MessageAuthor;
  kind: AnyMessageKind;
  /** The clerk's `sub`, or `citizen`. */
  actor: string;
  attachmentIds: string[];
}
