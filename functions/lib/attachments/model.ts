/** The states of an upload ticket (API.md, "Attachments"), shared by the store and the API shapes. */
export const ATTACHMENT_STATUSES = ['awaiting-upload', 'scanning', 'clean', 'rejected'] as const;
export type AttachmentStatus = (typeof ATTACHMENT_STATUSES)[number];
export const REJECTION_REASONS = ['malware', 'type-mismatch', 'checksum-mismatch', 'expired'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];
