/** What a parser refused: the ValidationError it threw, or the fields it named. Any other error is rethrown. */
import { ValidationError } from '../../functions/domain/errors';

export function validationErrorOf(parse: () => unknown): ValidationError {
  try {
    parse();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError, but the input was accepted');
}

/** The fields a ValidationError names, or [] when the input was accepted. */
export function refusedFields(parse: () => unknown): string[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof ValidationError) return error.problems.map((p) => p.field);
    throw error;
  }
  return [];
}
