/**
 * The kinds of handler stack in functions/shared, and which one a function's
 * entry module builds its handler with.
 */
export const HANDLER_KINDS = ['api', 'step', 'instrumented'] as const;
export type HandlerKind = (typeof HANDLER_KINDS)[number];

/** The kind of `export const handler = …` in a handler module's source, or undefined for a handler without the shared stack. */
export function handlerKindOf(source: string): HandlerKind | undefined {
  const handler = /export const handler\s*=\s*(httpHandler|stepHandler|instrumented)\b/.exec(source)?.[1];
  if (handler === 'httpHandler') return 'api';
  if (handler === 'stepHandler') return 'step';
  if (handler === 'instrumented') return 'instrumented';
  return undefined;
}
