/**
 * The attachments table: one item per upload ticket, keyed by its attachment id. A table of its own
 * (not items in the cases table) so that the public ticket route and the verdict worker hold
 * rights on tickets only, never on cases. docs/attachments.md explains the items.
 */
export const attachmentsTable = {
  logicalName: 'attachments',
  partitionKey: 'attachmentId',
  ttlAttribute: 'expiresAt',
} as const;
