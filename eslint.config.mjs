// n8n's community-node lint setup, as `@n8n/node-cli` ships it (configs/eslint.js), assembled from
// the same plugins so the heavy CLI is not a dev dependency. Differences are listed with a reason.
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { globalIgnores } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importPlugin from 'eslint-plugin-import-x';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

// `recommendedWithoutN8nCloudSupport`: the package streams multi-gigabyte files, which needs
// Node's `stream` module; n8n Cloud forbids any import but a short allow-list, so the package
// targets self-hosted n8n (its users). The one Cloud rule that still matters, no raw timers,
// is switched back on below for the nodes.
const communityNodes = n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport;

export default tseslint.config(
	globalIgnores(['dist', 'build', 'coverage', 'node_modules', '.cache', 'test-artifacts']),
	{
		files: ['**/*.ts'],
		extends: [
			js.configs.recommended,
			tseslint.configs.recommended,
			communityNodes,
			importPlugin.configs['flat/recommended'],
		],
		rules: {
			'prefer-spread': 'off',
			'no-console': 'error',
		},
	},
	{
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		settings: {
			'import-x/resolver-next': [createTypeScriptImportResolver()],
		},
	},
	{
		// `@n8n/community-nodes/no-runtime-dependencies` stays on: the package has no `dependencies`.
		// Queue mode needs a Redis client; it uses n8n's own ioredis (n8n puts its node_modules on
		// NODE_PATH before loading community packages, and has ioredis in queue mode because Bull
		// needs it), required lazily in nodes/OneFichier/installation/coordination.ts only when
		// EXECUTIONS_MODE=queue. ioredis is a devDependency, pinned to n8n 2.41.1's version, for
		// its types and the tests. See docs/queue-mode.md.
		files: ['package.json'],
		extends: [communityNodes],
		rules: {
			...n8nNodesBase.configs.community.rules,
			// The package has no public home yet (it is installed from a release tarball or a
			// checkout, see the README's "Installation"): no invented homepage or contact address.
			// Both come back on when it is published to npm (CONTRIBUTING.md, "Releasing").
			'@n8n/community-nodes/require-homepage': 'off',
			'@n8n/community-nodes/valid-author': 'off',
		},
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { extraFileExtensions: ['.json'] },
		},
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
			// Waiting must go through n8n-workflow's `sleep`, which honours execution cancellation.
			'@n8n/community-nodes/no-restricted-globals': 'error',
		},
	},
	{
		// The plain JavaScript the nodes run (the Whirlpool worker and helper scripts): n8n's rule
		// against spawning processes applies to them as to the TypeScript.
		files: ['nodes/**/*.js'],
		plugins: communityNodes.plugins,
		rules: { '@n8n/community-nodes/no-dangerous-functions': 'error' },
	},
	{
		// Tests, the simulator, the real-n8n stack, scripts and benchmarks are tooling, not node code:
		// they print to the console, use timers and import Node and dev packages freely.
		files: ['test/**/*.ts', 'simulator/**/*.ts', 'stack/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
		rules: {
			'no-console': 'off',
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
			'@n8n/community-nodes/no-silent-error-swallowing': 'off',
			'@n8n/community-nodes/no-dead-files': 'off',
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
			'@n8n/community-nodes/missing-paired-item': 'off',
			// Benchmarks and scripts run curl, node and n8n as child processes on purpose.
			'@n8n/community-nodes/no-dangerous-functions': 'off',
		},
	},
);
