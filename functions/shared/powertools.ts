/**
 * The one Logger of every handler. Service name and level come from the
 * function's environment (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL), set by
 * lib/functions/tandem-function.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger();
