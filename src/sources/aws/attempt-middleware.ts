import type { DeserializeHandlerOptions, DeserializeMiddleware, HandlerExecutionContext, MetadataBearer } from '@smithy/types';
import { nameUnreachableEndpoint } from './errors.js';
import type { Limiter } from './limiter.js';

interface DeserializeStack {
  add(middleware: DeserializeMiddleware<object, MetadataBearer>, options: DeserializeHandlerOptions & { priority?: 'high' }): void;
}

/**
 * What every client wraps each HTTP attempt in (deserialize step, inside the retry loop): the organization's shared
 * budget, the endpoint named in a connection error (so the report can say which one was unreachable), and the
 * attempt's time for whoever paces the account-region.
 */
export function addAttemptMiddleware(
  stack: DeserializeStack,
  shared: Limiter | undefined,
  attemptTook?: (ms: number, context: HandlerExecutionContext) => void,
): void {
  if (shared) {
    const attempt: DeserializeMiddleware<object, MetadataBearer> = (next) => (args) => shared.run(() => next(args));
    stack.add(attempt, { step: 'deserialize', name: 'ecsguardSharedBudget', priority: 'high' });
  }
  const endpointInErrors: DeserializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    const started = attemptTook ? performance.now() : 0;
    try {
      return await next(args);
    } catch (error) {
      nameUnreachableEndpoint(error, args.request);
      throw error;
    } finally {
      attemptTook?.(performance.now() - started, context);
    }
  };
  stack.add(endpointInErrors, { step: 'deserialize', name: 'ecsguardEndpointInErrors' });
}
