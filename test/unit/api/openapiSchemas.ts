import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';

/**
 * Test support for the OpenAPI document: compiles the JSON Schemas in it with a strict Ajv 2020
 * (the OpenAPI validator checks the document's structure, not whether its schemas are valid JSON
 * Schema), and validates real answers against the documented responses.
 */
export type Json = Record<string, unknown>;

const addFormats = (typeof addFormatsModule === 'function' ? addFormatsModule : (addFormatsModule as { default: FormatsPlugin }).default) as FormatsPlugin;

const BASE = 'urn:egov-forms:openapi';

/** `#/components/schemas/X` → an absolute reference into the schema registered under BASE. */
function absolute(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(absolute);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      key,
      key === '$ref' && typeof child === 'string' ? child.replace('#/components/schemas/', `${BASE}#/$defs/`) : absolute(child),
    ]),
  );
}

/** Every schema the document holds outside components.schemas: parameters, headers, bodies, responses. */
function inlineSchemas(node: unknown, found: Json[] = []): Json[] {
  if (Array.isArray(node)) node.forEach((child) => inlineSchemas(child, found));
  else if (typeof node === 'object' && node !== null) {
    for (const [key, child] of Object.entries(node)) {
      if (key === 'schema' && typeof child === 'object' && child !== null) found.push(child as Json);
      else if (key !== 'schemas') inlineSchemas(child, found);
    }
  }
  return found;
}

export function compileDocumentSchemas(document: Json): { compiled: number; validator: (schema: Json) => ValidateFunction } {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const schemas = (document.components as { schemas: Json }).schemas;
  ajv.addSchema({ $id: BASE, $defs: absolute(schemas) as Json });
  let compiled = 0;
  for (const name of Object.keys(schemas)) {
    ajv.getSchema(`${BASE}#/$defs/${name}`);
    compiled++;
  }
  const paths = { paths: document.paths, components: { ...(document.components as Json), schemas: undefined } };
  for (const schema of inlineSchemas(paths)) {
    ajv.compile(absolute(schema) as Json);
    compiled++;
  }
  return { compiled, validator: (schema) => ajv.compile(absolute(schema) as Json) };
}
