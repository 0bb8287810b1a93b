/**
 * One error hierarchy for the whole project. Every error that reaches a caller
 * says what was wrong in words a person can act on; `field` names the offending
 * property path so an API can answer `400` with it.
 */
export class DomainError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `fieldManager.mobile`. */
  readonly field: string;
  readonly problem: string;
}

/** Input that does not satisfy the model. Nothing has been written when this is thrown. */
export class ValidationError extends DomainError {
  readonly record: string;
  readonly problems: readonly FieldProblem[];

  constructor(record: string, problems: readonly FieldProblem[]) {
    const summary = problems.map((p) => `${p.field}: ${p.problem}`).join('; ');
    super(`${record} is invalid: ${summary}`);
    this.record = record;
    this.problems = problems;
  }

  /** The first offending field, convenient for single-field messages. */
  get field(): string {
    return this.problems[0]?.field ?? '';
  }
}

/** A referenced entity (territory, customer, store, product, …) does not exist. */
export class NotFoundError extends DomainError {
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} does not exist`);
  }
}

/** A write lost a race or would break an invariant (e.g. stock below zero). */
export class ConflictError extends DomainError {}
