/**
 * ASL reference paths: `$` (the state's input) or `$$` (the Context Object)
 * followed by `.field`, `['field']` or `[index]` steps, naming one node. The
 * dispatcher reads TimeoutSecondsPath with these itself, so a missing value
 * fails naming the state (the library's own reading would not name it).
 */
import { isJsonObject, type JsonValue } from './json';

export type ReferencePathStep = string | number;

export interface ReferencePath {
  /** The path as declared. */
  readonly text: string;
  readonly root: '$' | '$$';
  readonly steps: readonly ReferencePathStep[];
}

/** One step: `.field`, `['field']`, `["field"]` or `[index]`; wildcards, filters and slices are not reference paths. */
const STEP = /^(?:\.([^.[\]'"*]+)|\['([^']*)'\]|\["([^"]*)"\]|\[(\d+)\])/;

/** The path's root and steps, or undefined when the text is not a reference path. */
export function parseReferencePath(text: string): ReferencePath | undefined {
  const root = text.startsWith('$$') ? '$$' : text.startsWith('$') ? '$' : undefined;
  if (!root) return undefined;
  const steps: ReferencePathStep[] = [];
  for (let rest = text.slice(root.length); rest !== ''; ) {
    const match = STEP.exec(rest);
    if (!match) return undefined;
    const [whole, dotted, singleQuoted, doubleQuoted, index] = match;
    steps.push(index !== undefined ? Number(index) : (dotted ?? singleQuoted ?? doubleQuoted ?? ''));
    rest = rest.slice(whole.length);
  }
  return { text, root, steps };
}

/** The node the steps name inside a value (the path's root), or undefined when there is none. */
export function readReferencePath(root: JsonValue, steps: readonly ReferencePathStep[]): JsonValue | undefined {
  let node: JsonValue | undefined = root;
  for (const step of steps) {
    if (typeof step === 'number') node = Array.isArray(node) ? node[step] : undefined;
    else node = isJsonObject(node) && Object.hasOwn(node, step) ? node[step] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}
