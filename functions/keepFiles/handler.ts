import { retentionClassesOf } from '#lib/attachments/retention.ts';
import { s3 } from '#lib/attachments/s3.ts';
import { readFormCatalogue } from '#lib/forms/reading.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { logger } from '#lib/runtime/logger.ts';
import { countMissingFile } from '#lib/runtime/metrics.ts';
import { functions } from '../functions.ts';
import { createKeepFiles } from './keepFiles.ts';

const config = readConfig(functions.keepFiles.needs);

/** Stream target (cases table, file items only): bound files leave the vault's 24-hour lifecycle. */
export const handler = createKeepFiles({
  s3,
  vaultBucket: config.VAULT_BUCKET,
  retentionClasses: retentionClassesOf(readFormCatalogue(config.FORMS_DIR).all()),
  missing: (fields) => {
    logger.error('bound file missing from the vault', fields);
    countMissingFile();
  },
  warn: (message, fields) => logger.warn(message, fields),
});
