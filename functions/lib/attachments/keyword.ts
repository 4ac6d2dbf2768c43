import type { KeywordCxt, KeywordDefinition } from 'ajv/dist/2020.js';
import { _ } from 'ajv/dist/compile/codegen/index.js';
import { ATTACHMENT_ID, MAX_FILE_BYTES, MEDIA_TYPES, X_ATTACHMENT } from './fields.ts';

/**
 * The keyword for Ajv: its meta-schema refuses an unknown media type or a `maxBytes` over 20 MiB
 * when a definition is verified (forms:check, synth, `npm start`); on data it requires an id that
 * can name a ticket. Whether the ticket exists and fits is the submit path's check (bind).
 *
 * Defined with `code`, not `validate`: the form validators are generated as Ajv standalone code at
 * build time (functions/lib/forms/standalone.ts), and only code-generating keywords can be. Build
 * side only (validation.ts): the functions run the generated code and never load this module.
 */
export const xAttachmentKeyword: KeywordDefinition = {
  keyword: X_ATTACHMENT,
  type: 'string',
  schemaType: 'object',
  metaSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['mediaTypes', 'maxBytes'],
    properties: {
      mediaTypes: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...MEDIA_TYPES] } },
      maxBytes: { type: 'integer', minimum: 1, maximum: MAX_FILE_BYTES },
    },
  },
  code(cxt: KeywordCxt) {
    // The id's pattern as a literal in the generated code (ULID alphabet, no flags needed).
    const id = cxt.gen.scopeValue('pattern', { key: ATTACHMENT_ID.source, ref: ATTACHMENT_ID, code: _`new RegExp(${ATTACHMENT_ID.source})` });
    cxt.fail(_`typeof ${cxt.data} !== "string" || !${id}.test(${cxt.data})`);
  },
};
