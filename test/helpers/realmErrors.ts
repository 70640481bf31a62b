/**
 * Jest runs each test file in a vm context with its own `Error`; errors that Node's fs creates come
 * from the outer context, so n8n-core's `error instanceof Error && error.code === 'EEXIST'` (in
 * `ensureParentDirectoryWithoutFollowingSymlinks`) is false under jest alone and the helper fails on
 * the first directory that exists (jestjs/jest#2549). Importing this file makes `instanceof Error`
 * also true for native errors of the outer context, as it is in n8n itself; subclasses are untouched.
 */
import { types } from 'util';

const SandboxError = Error;
const ordinary = Function.prototype[Symbol.hasInstance];

Object.defineProperty(SandboxError, Symbol.hasInstance, {
	value(this: unknown, candidate: unknown): boolean {
		if (this === SandboxError && types.isNativeError(candidate)) return true;
		return ordinary.call(this, candidate);
	},
	configurable: true,
});
