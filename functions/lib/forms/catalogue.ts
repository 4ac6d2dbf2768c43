import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import metaSchema from '../../../schemas/form-definition.schema.json' with { type: 'json' };
import { describeMetaSchemaError, explainSchemaProblem, xMessageProblem } from './authoring.ts';
import { emailPointerProblem } from './confirmation.ts';
import { uiOverlayProblem } from './ui.ts';
import { prefillProblem } from './authentication.ts';
import type { FormDefinition } from './definition.ts';
import { FormDefinitionError, readFormCatalogue, type DefinitionChecks, type FormCatalogue } from './reading.ts';
import { compileFormSchema, createFormSchemaAjv, issuesOf } from './validation.ts';

export type { FormDefinition, LocalizedText } from './definition.ts';
export { FormDefinitionError, readFormCatalogue, type FormCatalogue } from './reading.ts';

/**
 * Every version carries at least one sample of valid data as JSON Schema's own `examples` at the
 * schema's root: the tests and the docs' curl submit it, and it proves the schema accepts a real case.
 */
function checkExamples(file: string, schema: Record<string, unknown>, validateData: ValidateFunction): void {
  const examples = schema.examples;
  if (!Array.isArray(examples) || examples.length === 0) {
    throw new FormDefinitionError(
      file,
      'schema has no "examples": add at least one sample of valid form data at the root of the schema, ' +
        '"schema": { ..., "examples": [ { ...the data a citizen would submit... } ] } (docs/forms.md, "Examples")',
    );
  }
  examples.forEach((example, index) => {
    if (validateData(example)) return;
    const problems = issuesOf(validateData.errors ?? [], 'en').map(
      (issue) => `/schema/examples/${index}${issue.pointer.slice('/data'.length)} ${issue.message} (${issue.keyword})`,
    );
    throw new FormDefinitionError(file, `schema/examples/${index} is not valid data for this schema; fix the example or the schema: ${problems.join('; ')}`);
  });
}

/**
 * Every definition checked against form-definition.schema.json, its schema compiled and its
 * examples validated: a malformed definition stops the loading, naming its file.
 */
function createChecks(): DefinitionChecks {
  // The meta-schema is ours and tested; skipping its check against draft 2020-12 saves start-up time.
  const definitionAjv = new Ajv2020({ allErrors: true, strict: true, validateSchema: false });
  const checkDefinition = definitionAjv.compile<FormDefinition>(metaSchema);
  // One instance for all schemas, as in the validator: `$id`s clashing across forms fail here too.
  const formSchemas = createFormSchemaAjv();
  return {
    parsed(file, parsed) {
      if (checkDefinition(parsed)) return;
      const problems = (checkDefinition.errors ?? []).map(describeMetaSchemaError).join('; ');
      throw new FormDefinitionError(file, `does not satisfy form-definition.schema.json: ${problems}`);
    },
    definition(file, definition) {
      let validateData: ValidateFunction;
      try {
        const problem = xMessageProblem(definition.schema);
        if (problem !== undefined) throw new Error(problem);
        validateData = compileFormSchema(formSchemas, definition.schema);
      } catch (error) {
        throw new FormDefinitionError(file, `schema does not compile: ${explainSchemaProblem((error as Error).message)}`);
      }
      checkExamples(file, definition.schema, validateData);
      const pointerProblem = definition.confirmation && emailPointerProblem(definition.schema, definition.confirmation.emailPointer);
      if (pointerProblem) throw new FormDefinitionError(file, pointerProblem);
      const uiProblem = definition.ui && uiOverlayProblem(definition.schema, definition.ui);
      if (uiProblem) throw new FormDefinitionError(file, uiProblem);
      const prefill = prefillProblem(definition);
      if (prefill) throw new FormDefinitionError(file, prefill);
    },
  };
}

export interface LoadOptions {
  /**
   * Check every definition against form-definition.schema.json and compile its schema (the
   * default): what `npm start`, the synth (infra/forms.ts) and `npm run forms:check` do, so that a
   * malformed definition stops them, naming its file. Layout, JSON, ids and versions are read
   * strictly either way. (The Lambda handlers read their definitions with reading.ts, without
   * Ajv: the synth checked them.)
   */
  verify?: boolean;
}

/**
 * Reads (and checks, see LoadOptions) every form definition under `formsDir` once, synchronously,
 * so that a broken definition stops start-up rather than failing a citizen's request. Throws
 * FormDefinitionError.
 */
export function loadFormCatalogue(formsDir: string, { verify = true }: LoadOptions = {}): FormCatalogue {
  return readFormCatalogue(formsDir, verify ? createChecks() : undefined);
}
