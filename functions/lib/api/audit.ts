import * as z from 'zod';
import { ACCESS_KINDS, type Access } from '#lib/audit/accesses.ts';

/** `GET /status/{reference}/accesses` (API.md, *Audit*): who saw the application's data. */
export const citizenAccess = z.strictObject({
  at: z.iso.datetime({ precision: 3 }),
  kind: z.enum(ACCESS_KINDS).meta({
    description:
      '`viewed` a clerk opened the case, `file-viewed` a clerk opened one of its files, `exported` it left in an export, ' +
      "`delivered` it reached the office's own system, `mail` the confirmation mail read the address.",
  }),
  by: z.string().meta({ description: "The office's display name, or `system`; never a clerk's name." }),
});

export const citizenAccesses = z.strictObject({ items: z.array(citizenAccess).meta({ description: 'Oldest first.' }) });

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const accessIsTheDomainAccess: Same<z.infer<typeof citizenAccess>, Access> = true;
void accessIsTheDomainAccess;
