/** Unit, simulator and in-process workflow tests. Real-n8n end-to-end tests run separately (npm run test:e2e). */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.tools.json' }] },
	testTimeout: 60_000,
	// Once every test has ended, jest exits even if a socket is still open: in one clean-clone run a
	// download socket a test had left (its server already closed) kept jest waiting about 90 s after
	// the last test, until the kernel let go of it. `npx jest --detectOpenHandles` still shows such
	// handles; the download suites showed none when run alone.
	forceExit: true,
};
