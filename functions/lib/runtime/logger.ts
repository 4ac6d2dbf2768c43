import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured logger. Log ids, slugs and error names; never form data, notes, tokens or
 * the messages of errors that may quote them.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'egov-forms' });
