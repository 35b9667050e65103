import { GuardrailError } from '../policy/errors';

/** The GuardrailError that `build` throws; fails the test if it throws nothing or something else. */
export function refusalOf(build: () => unknown): GuardrailError {
  try {
    build();
  } catch (e) {
    if (e instanceof GuardrailError) return e;
    throw e;
  }
  throw new Error('expected a GuardrailError, but the input was accepted');
}
