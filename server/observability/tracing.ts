// Spans through the OpenTelemetry API: an operator who registers an OpenTelemetry SDK sees a
// login's steps (the code claimed, the call to WeChat with its errcode and rid, the append, the
// token signed) as one trace. Without an SDK the API hands out non-recording spans and this
// costs a few object allocations. Attributes are never secrets, codes, openids or tokens.

import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

export const tracer = trace.getTracer('miniauth');

/** Runs `fn` in a span named `name`; an exception is recorded on it and thrown on. */
export function inSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** `inSpan` for a step that does not wait (signing a token). */
export function inSpanSync<T>(name: string, attributes: Attributes, fn: (span: Span) => T): T {
  return tracer.startActiveSpan(name, { attributes }, (span) => {
    try {
      return fn(span);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

function failed(span: Span, error: unknown): void {
  const code = (error as { code?: unknown }).code;
  span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? code : 'error' });
  if (typeof code === 'string') span.setAttribute('miniauth.error.code', code);
}
