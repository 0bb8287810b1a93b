/**
 * Lambda event filtering (`FilterCriteria` of an event source mapping): each
 * filter's `Pattern` is an EventBridge-style pattern over the record as the
 * function would receive it (for a DynamoDB stream: `eventName`, `dynamodb.Keys`,
 * `dynamodb.NewImage.<attribute>.S`, …); a record is delivered when it matches
 * any of the filters, and dropped (counted as processed) otherwise. The pattern
 * syntax and matching are the shared ones in `../event-pattern.ts`.
 *
 * As in Lambda, numbers in DynamoDB JSON are strings (`{"N": "12"}`), so
 * `numeric` rules never match attribute values; exact and prefix rules do.
 */
import { AwsServiceError } from '../contracts';
import { compilePattern, evaluatePattern, EventPatternError, isPlainObject, jsonLeaves, type PatternCondition } from '../event-pattern';

/** Lambda API reference, `Filter.Pattern`: at most 4,096 characters. */
export const MAX_FILTER_PATTERN_CHARS = 4096;

export interface CompiledFilterCriteria {
  /** One condition per filter; none means every record passes. */
  readonly filters: readonly PatternCondition[];
}

/** Compiles the filters' JSON patterns; an invalid one is Lambda's `InvalidParameterValueException`. */
export function compileFilterCriteria(patterns: readonly string[]): CompiledFilterCriteria {
  return {
    filters: patterns.map((text, i) => {
      const where = `filter ${i + 1}`;
      if (text.length > MAX_FILTER_PATTERN_CHARS) invalid(`${where}: the pattern is longer than ${MAX_FILTER_PATTERN_CHARS} characters`);
      let pattern: unknown;
      try {
        pattern = JSON.parse(text);
      } catch (error) {
        invalid(`${where}: not JSON (${error instanceof Error ? error.message : String(error)})`);
      }
      if (!isPlainObject(pattern)) invalid(`${where}: the pattern must be a JSON object`);
      try {
        return compilePattern(pattern);
      } catch (error) {
        if (error instanceof EventPatternError) invalid(`${where}: ${error.message}`);
        throw error;
      }
    }),
  };
}

/** Whether Lambda would deliver `record` (a JSON value, e.g. one DynamoDB stream record). */
export function matchesFilterCriteria(criteria: CompiledFilterCriteria, record: unknown): boolean {
  if (criteria.filters.length === 0) return true;
  return criteria.filters.some((filter) => evaluatePattern(filter, (path) => jsonLeaves(record, path)));
}

function invalid(problem: string): never {
  throw new AwsServiceError('InvalidParameterValueException', `Invalid filter pattern definition: ${problem}`);
}
