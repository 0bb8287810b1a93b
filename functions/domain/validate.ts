import type { z } from 'zod';
import { ValidationError, type FieldProblem } from './errors';

/**
 * Parses `input` with `schema` or throws a ValidationError that names the record
 * (e.g. `tandem T017`) and every offending field. The only place zod issues are
 * turned into domain errors.
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown, record: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems: FieldProblem[] = result.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(record)',
    problem: issue.message,
  }));
  throw new ValidationError(record, problems);
}
