/**
 * Injected Publish failures (local/runtime/faults): a Publish that meets one is
 * answered as SNS answers its own failures, 500 `InternalError`, and nothing is
 * delivered — the caller's retry (SDK or workflow Retry) publishes it again.
 */
import { AwsServiceError, type SnsPublisher } from '../contracts';

/** Decides whether this Publish fails. */
export type PublishFault = () => boolean;

export function injectedInternalError(): AwsServiceError {
  return new AwsServiceError('InternalError', 'Request could not be processed (fault injected by the local runtime)', 500);
}

/** A publisher that fails the calls the fault picks: what the workflow's sns:publish tasks call. */
export function withPublishFaults(publisher: SnsPublisher, fault: PublishFault): SnsPublisher {
  return {
    publish: (input) => (fault() ? Promise.reject(injectedInternalError()) : publisher.publish(input)),
  };
}
