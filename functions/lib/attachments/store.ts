import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import type { MediaType } from './fields.ts';
import { BINDING_MARGIN_SECONDS } from './upload.ts';
import type { AttachmentStatus, RejectionReason } from './model.ts';
import type { SealedMeta } from './sealing.ts';

/**
 * Upload tickets in the attachments table (docs/attachments.md). One item per attachment:
 * ids, form, field pointer, declared type and size, the sealed metadata (file name, checksum), the
 * status and, once bound, the case. Nothing in it is personal data in plaintext.
 */

export { ATTACHMENT_STATUSES, REJECTION_REASONS, type AttachmentStatus, type RejectionReason } from './model.ts';

export interface Ticket {
  attachmentId: string;
  formId: string;
  formVersion: number;
  office: string;
  /** JSON Pointer into the form data where the id will stand. */
  field: string;
  mediaType: MediaType;
  size: number;
  meta: SealedMeta;
  status: AttachmentStatus;
  reason?: RejectionReason;
  createdAt: string;
  /** Epoch seconds: the ticket (and an unbound file) is gone after this (TTL). */
  expiresAt: number;
  caseId?: string;
  /** A message's file (messages/tickets.ts): the case whose message or reply alone may bind it. */
  forCase?: string;
}

type Item = Record<string, AttributeValue>;

export function sealedMetaAttribute(meta: SealedMeta): AttributeValue {
  return {
    M: { v: { N: String(meta.v) }, alg: { S: meta.alg }, kid: { S: meta.kid }, edk: { B: meta.edk }, iv: { B: meta.iv }, tag: { B: meta.tag }, ct: { B: meta.ct } },
  };
}

export function readSealedMeta(attribute: AttributeValue | undefined): SealedMeta {
  const map = attribute?.M;
  const b = (name: string): Uint8Array => {
    const value = map?.[name]?.B;
    if (value === undefined) throw new Error(`sealed metadata lacks ${name}`);
    return value;
  };
  return { v: Number(map?.v?.N), alg: map?.alg?.S ?? '', kid: map?.kid?.S ?? '', edk: b('edk'), iv: b('iv'), tag: b('tag'), ct: b('ct') };
}

function ticketItem(ticket: Ticket): Item {
  return {
    attachmentId: { S: ticket.attachmentId },
    formId: { S: ticket.formId },
    formVersion: { N: String(ticket.formVersion) },
    office: { S: ticket.office },
    field: { S: ticket.field },
    mediaType: { S: ticket.mediaType },
    size: { N: String(ticket.size) },
    meta: sealedMetaAttribute(ticket.meta),
    status: { S: ticket.status },
    ...(ticket.reason ? { reason: { S: ticket.reason } } : {}),
    createdAt: { S: ticket.createdAt },
    expiresAt: { N: String(ticket.expiresAt) },
    ...(ticket.caseId ? { caseId: { S: ticket.caseId } } : {}),
    ...(ticket.forCase ? { forCase: { S: ticket.forCase } } : {}),
  };
}

function readTicket(item: Item): Ticket {
  const s = (name: string): string => {
    const value = item[name]?.S;
    if (value === undefined) throw new Error(`attachment item lacks ${name}`);
    return value;
  };
  const n = (name: string): number => {
    const value = Number(item[name]?.N);
    if (!Number.isSafeInteger(value)) throw new Error(`attachment item lacks ${name}`);
    return value;
  };
  return {
    attachmentId: s('attachmentId'),
    formId: s('formId'),
    formVersion: n('formVersion'),
    office: s('office'),
    field: s('field'),
    mediaType: s('mediaType') as MediaType,
    size: n('size'),
    meta: readSealedMeta(item.meta),
    status: s('status') as AttachmentStatus,
    ...(item.reason?.S ? { reason: item.reason.S as RejectionReason } : {}),
    createdAt: s('createdAt'),
    expiresAt: n('expiresAt'),
    ...(item.caseId?.S ? { caseId: item.caseId.S } : {}),
    ...(item.forCase?.S ? { forCase: item.forCase.S } : {}),
  };
}

/**
 * Whether a ticket can still be bound at `now`: until BINDING_MARGIN_SECONDS before it expires
 * (upload.ts), so that the worker that keeps a bound file has that long before the vault's
 * lifecycle for unbound files may reach it.
 */
export function bindableAt(ticket: Pick<Ticket, 'expiresAt'>, now: Date): boolean {
  return ticket.expiresAt > bindingDeadline(now);
}

/** The expiry (epoch seconds) a ticket must lie beyond to be bound at `now`. */
const bindingDeadline = (now: Date): number => Math.floor(now.getTime() / 1000) + BINDING_MARGIN_SECONDS;

export function createAttachmentStore(ddb: DynamoDBClient, tableName: string, now: () => Date = () => new Date()) {
  const key = (attachmentId: string): Item => ({ attachmentId: { S: attachmentId } });
  return {
    async putTicket(ticket: Ticket): Promise<void> {
      await ddb.send(new PutItemCommand({ TableName: tableName, Item: ticketItem(ticket), ConditionExpression: 'attribute_not_exists(attachmentId)' }));
    },

    /** Whether a ticket can still be bound now (bindableAt). */
    bindable: (ticket: Pick<Ticket, 'expiresAt'>): boolean => bindableAt(ticket, now()),

    /** The ticket, if it exists and has not expired (TTL removes items late). */
    async get(attachmentId: string): Promise<Ticket | undefined> {
      const result = await ddb.send(new GetItemCommand({ TableName: tableName, Key: key(attachmentId), ConsistentRead: true }));
      if (!result.Item) return undefined;
      const ticket = readTicket(result.Item);
      return ticket.expiresAt * 1000 > now().getTime() ? ticket : undefined;
    },

    /**
     * Moves a ticket on from `from` (a verdict is recorded once: a redelivered scan result does not
     * overwrite it). Resolves false when the ticket is not (any more) in one of the `from` states.
     */
    async transition(attachmentId: string, from: readonly AttachmentStatus[], to: AttachmentStatus, reason?: RejectionReason): Promise<boolean> {
      const fromValues = Object.fromEntries(from.map((status, index) => [`:from${index}`, { S: status }]));
      try {
        await ddb.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(attachmentId),
            UpdateExpression: reason ? 'SET #status = :to, reason = :reason' : 'SET #status = :to',
            ConditionExpression: `attribute_exists(attachmentId) AND #status IN (${Object.keys(fromValues).join(', ')})`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':to': { S: to }, ...fromValues, ...(reason ? { ':reason': { S: reason } } : {}) },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    /**
     * The transaction item that binds a clean, unbound ticket of this form and field to a case
     * (and lets it expire with the case). Its condition re-checks everything submit checked, so a
     * race (two submissions with one file) binds it once, and that the binding margin before the
     * ticket's expiry has not begun (`bindableAt`).
     */
    bind(ticket: Pick<Ticket, 'attachmentId' | 'formId' | 'field'>, caseId: string, expiresAt: number): TransactWriteItem {
      return {
        Update: {
          TableName: tableName,
          Key: key(ticket.attachmentId),
          UpdateExpression: 'SET caseId = :caseId, expiresAt = :expiresAt',
          ConditionExpression: '#status = :clean AND formId = :formId AND field = :field AND attribute_not_exists(caseId) AND expiresAt > :deadline',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':caseId': { S: caseId },
            ':expiresAt': { N: String(expiresAt) },
            ':clean': { S: 'clean' },
            ':formId': { S: ticket.formId },
            ':field': { S: ticket.field },
            // bindableAt(), in the condition: the ticket must outlive the margin.
            ':deadline': { N: String(bindingDeadline(now())) },
          },
        },
      };
    },
  };
}

export type AttachmentStore = ReturnType<typeof createAttachmentStore>;
