/**
 * A state machine's definition read back from the synthesized template (its
 * DefinitionString, an Fn::Join of text and intrinsics), for infra tests that
 * walk the states.
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Retrier {
  readonly ErrorEquals: string[];
  readonly MaxAttempts?: number;
  readonly JitterStrategy?: string;
  readonly MaxDelaySeconds?: number;
}

export interface Catcher {
  readonly ErrorEquals: string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
}

export interface State {
  readonly Type: string;
  readonly Next?: string;
  readonly Default?: string;
  readonly Choices?: { readonly Next: string }[];
  readonly Resource?: string;
  readonly Parameters?: JsonObject;
  readonly Retry?: Retrier[];
  readonly Catch?: Catcher[];
  readonly TimeoutSeconds?: number;
  readonly TimeoutSecondsPath?: string;
  readonly HeartbeatSeconds?: number;
  readonly HeartbeatSecondsPath?: string;
  readonly ErrorPath?: string;
  readonly CausePath?: string;
  readonly Branches?: Definition[];
  readonly ItemProcessor?: Definition;
  readonly Iterator?: Definition;
}

export interface Definition {
  readonly StartAt: string;
  readonly States: Record<string, State>;
  readonly TimeoutSeconds?: number;
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A token of the definition as text that stays valid inside a JSON string: `${Logical}` for a Ref,
 * `${Logical.Arn}` for a GetAtt, `${AWS.Partition}` for a pseudo parameter (no colons, so ARNs still split on them).
 */
function placeholder(token: Json): string {
  if (isObject(token)) {
    if (typeof token.Ref === 'string') return `\${${token.Ref.replace(/::/g, '.')}}`;
    const getAtt = token['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt.every((part) => typeof part === 'string')) return `\${${getAtt.join('.')}}`;
  }
  return '${Token}';
}

/** The ASL of a state machine resource's DefinitionString. */
export function definitionOf(body: Json | undefined): Definition {
  if (typeof body === 'string') return JSON.parse(body) as Definition;
  const join = isObject(body) ? body['Fn::Join'] : undefined;
  if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1])) throw new Error(`unexpected DefinitionString: ${JSON.stringify(body)}`);
  return JSON.parse(join[1].map((part) => (typeof part === 'string' ? part : placeholder(part))).join('')) as Definition;
}

/** Every state, nested ones (Parallel branches, Map item processors) included. */
export function allStates(machine: Definition): [string, State][] {
  return Object.entries(machine.States).flatMap(([name, state]): [string, State][] => [
    [name, state],
    ...(state.Branches ?? []).flatMap(allStates),
    ...[state.ItemProcessor, state.Iterator].filter((d): d is Definition => d !== undefined).flatMap(allStates),
  ]);
}
